/**
 * The commands (category "Feature Learning"), one file each (docs/architecture.md, "Commands").
 * Each takes optional arguments so that tests and keybindings can skip its pickers; without them it
 * asks the user. Failures are reported as messages, never thrown at the user.
 */
import * as vscode from 'vscode';
import { Command, CommandContext } from './context';
import { exportChart } from './exportChart';
import { exportData } from './exportData';
import { newExperiment } from './newExperiment';
import { openPanel } from './openPanel';
import { openPhaseDiagram } from './openPhaseDiagram';
import { showSource } from './showSource';

export const ALL_COMMANDS: readonly Command[] = [openPanel, newExperiment, exportData, exportChart, showSource, openPhaseDiagram];

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return ALL_COMMANDS.map((command) =>
    vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
      try {
        return await command.run(context, ...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        context.log.error(`${command.title}: ${message}`);
        void vscode.window.showWarningMessage(`Feature Learning: ${command.title} failed: ${message}`);
        return undefined;
      }
    }),
  );
}
