/** "Feature Learning: Show Experiment File": the current dynamics panel's file, beside it. */
import { Command } from './context';

export const showSource: Command = {
  id: 'featureLearningLab.showSource',
  title: 'Show Experiment File',
  async run({ dynamics }) {
    await dynamics.current()?.showSource();
  },
};
