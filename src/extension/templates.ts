/**
 * The experiments "New Experiment" offers (no vscode import; unit-tested: each must be valid and
 * show what its description says). Each is a commented JSONC document.
 */
export interface ExperimentTemplate {
  /** File name stem: `<id>.flab.json`. */
  id: string;
  label: string;
  detail: string;
  text: string;
}

const header = (what: string) => `// ${what}
// Edit any value and the Dynamics panel redraws as you type; the panel's sliders write back here.
// The keys are described by the JSON schema (hover a key), the model in docs/model.md.
`;

export const TEMPLATES: readonly ExperimentTemplate[] = [
  {
    id: 'alignment',
    label: 'Learning by alignment (small initialisation)',
    detail: 'Small random weights: a plateau, then u and W·n line up (|ζ| → 1) as the target is fitted.',
    text: `${header('Learning by alignment: from a small initialisation the layers turn to face each other.')}{
  "name": "Alignment (small initialisation)",
  "description": "scaleU = scaleW = 0.001 at width 100: the alignment zeta starts near 0 (random directions) and ends at 1.",
  "model": {
    "width": 100,
    "outputScale": 1
  },
  // One effective sample x ∈ R^D with target y.
  "data": { "x": [1], "y": 1 },
  "init": {
    "scaleU": 0.001, // σ_u
    "scaleW": 0.001, // σ_W
    "seed": 1
  },
  // Gradient descent (Descent or Both in the panel) follows the flow at these rates: stable up to 10× them.
  "learningRates": { "u": 0.1, "W": 0.1 },
  // No "end": the horizon is chosen to show the plateau, the transition and convergence.
  "time": { "points": 400 }
}
`,
  },
  {
    id: 'disalignment',
    label: 'Learning by disalignment (large initialisation, small target)',
    detail: 'Large random weights and a small target: the norms cannot shrink much, so the layers turn apart (|ζ| falls).',
    text: `${header('Learning by disalignment: a large initialisation fits a small target by turning the layers apart.')}{
  "name": "Disalignment (large initialisation, small target)",
  "description": "scaleU = scaleW = 3 at width 4 with target 0.01: the initial output is far too large, but the norms cannot shrink much, so the layers turn apart: |zeta| falls from 0.82 to about 0 while |u| barely changes.",
  "model": {
    "width": 4,
    "outputScale": 1
  },
  "data": { "x": [1], "y": 0.01 },
  "init": {
    "scaleU": 3, // σ_u: large
    "scaleW": 3, // σ_W: large
    "seed": 11
  },
  // Large weights make a large tangent kernel: small rates keep gradient descent stable (up to ~10× these).
  "learningRates": { "u": 0.001, "W": 0.001 },
  // Log-spaced times: the turn happens early, the fit of the last digits late.
  "time": { "points": 400, "spacing": "log" }
}
`,
  },
  {
    id: 'rescaling',
    label: 'Learning by rescaling (unequal learning rates)',
    detail: 'Layers that start aligned, with η_W = η_u / 100: the norms grow by a large factor while ζ stays at 1.',
    text: `${header('Learning by rescaling: the norms change by a large factor while the alignment ζ stays put.')}{
  "name": "Rescaling (unequal learning rates)",
  "description": "An explicit initialisation with u parallel to W n, and a hidden-layer rate 100 times smaller: zeta = 1 throughout while |u| grows about a hundredfold.",
  "model": {
    "width": 3,
    "outputScale": 1
  },
  "data": { "x": [1], "y": 1 },
  // Explicit weights: u (width entries) and W (width rows of input-dimension numbers).
  // With this form the σ_u and σ_W controls are disabled.
  "init": {
    "u": [0.02, -0.01, 0.03],
    "W": [[0.02], [-0.01], [0.03]]
  },
  "learningRates": {
    "u": 1,
    "W": 0.01 // slower hidden layer
  },
  "time": { "points": 400 }
}
`,
  },
  {
    id: 'kernel',
    label: 'Kernel regime (wide network, NTK scaling)',
    detail: 'Width 10⁴ with output scale 1/√d: the tangent kernel barely moves and training is linear in the parameters.',
    text: `${header('The kernel regime: a wide network whose tangent kernel stays at its initial value.')}{
  "name": "Kernel regime (NTK scaling)",
  "description": "Width 10000, outputScale = 1/sqrt(width), scaleU = scaleW = 1: the tangent kernel K(t)/K(0) stays within a few per cent of 1 and the residual decays as exp(-K(0) t).",
  "model": {
    "width": 10000,
    "outputScale": 0.01 // 1/√width
  },
  "data": { "x": [1], "y": 1 },
  "init": { "scaleU": 1, "scaleW": 1, "seed": 7 },
  // K(0) ≈ 0.2 per step at these rates: gradient descent follows the flow (stable up to ~20× them).
  "learningRates": { "u": 0.1, "W": 0.1 },
  "time": { "points": 400 }
}
`,
  },
  {
    id: 'relu',
    label: 'Nonlinear network: ReLU, by gradient descent',
    detail: 'The alignment experiment with a ReLU hidden layer, simulated step by step; set "activation" to "linear" to compare with the exact theory.',
    text: `${header('A ReLU network from a small initialisation, trained by gradient descent (the exact solver needs a linear network).')}{
  "name": "ReLU network (gradient descent)",
  "description": "Small initialisation, ReLU hidden layer: zeta grows as for the linear network (the paper reports the same qualitative behaviour). Change \\"activation\\" to \\"linear\\" to see the exact flow with these points drawn over it.",
  "model": {
    "width": 100,
    "outputScale": 1,
    // linear | relu | leaky_relu | tanh | sigmoid | swish
    "activation": "relu"
  },
  "data": { "x": [1], "y": 1 },
  "init": { "scaleU": 0.001, "scaleW": 0.001, "seed": 1 },
  // Gradient descent: time counts steps, each at these rates.
  "learningRates": { "u": 0.1, "W": 0.1 },
  "time": { "end": 2000, "points": 400 },
  // For a linear network, also run gradient descent and draw it over the exact curves.
  "compare": { "simulate": true }
}
`,
  },
];
