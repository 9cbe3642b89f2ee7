/** Hidden activations σ and their derivatives: the gradient-descent simulator's, and φ's values for the network trainers' dead-unit scans. */
import { Activation } from '../experiment/experiment';
import { reluPasses, SIMULATOR_RELU_AT_ZERO } from './reluAtZero';

/** Slope of `leaky_relu` for negative inputs. */
export const LEAKY_SLOPE = 0.01;

export interface ActivationFunction {
  value(x: number): number;
  derivative(x: number): number;
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** σ and σ′ for each activation (σ′(0) = 1 for relu and leaky_relu, by convention: SIMULATOR_RELU_AT_ZERO, which the dead-unit test takes too). */
export const ACTIVATIONS: Record<Activation, ActivationFunction> = {
  linear: { value: (x) => x, derivative: () => 1 },
  relu: { value: (x) => (x > 0 ? x : 0), derivative: (x) => (reluPasses(x, SIMULATOR_RELU_AT_ZERO) ? 1 : 0) },
  leaky_relu: { value: (x) => (x > 0 ? x : LEAKY_SLOPE * x), derivative: (x) => (reluPasses(x, SIMULATOR_RELU_AT_ZERO) ? 1 : LEAKY_SLOPE) },
  tanh: { value: Math.tanh, derivative: (x) => 1 - Math.tanh(x) ** 2 },
  sigmoid: { value: sigmoid, derivative: (x) => sigmoid(x) * (1 - sigmoid(x)) },
  swish: { value: (x) => x * sigmoid(x), derivative: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))) },
};
