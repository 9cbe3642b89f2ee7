/**
 * A small ONNX graph builder and its protobuf encoding (docs/networks.md, "Speed"): the subset of
 * onnx.proto (ONNX 1.10, IR version 7, default-domain opset 13) that a training step needs — nodes
 * with int, float and ints attributes, float and int64 initializers, and inputs and outputs of float
 * (or double) tensors whose dimensions are numbers or named (a batch of any size). The wire format is written
 * with protobufjs's `Writer` (no code generation, no eval); the field numbers are onnx.proto's.
 */
import { Writer } from 'protobufjs/minimal';

/** Attribute values a node may carry: an integer, a float, or a list of integers. */
export type AttributeValue = { int: number } | { float: number } | { ints: readonly number[] };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A float tensor input or output: each dimension a size, or a name for a size given at run time. */
export interface TensorSignature {
  name: string;
  dims: readonly (number | string)[];
  /** The element type (default float32). */
  type?: 'float32' | 'float64';
}

export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  type: 'float32' | 'int64';
  values: ArrayLike<number>;
}

/** ONNX's TensorProto.DataType values used here. */
const FLOAT = 1;
const INT64 = 7;
const DOUBLE = 11;
/** AttributeProto.AttributeType. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;
/** Wire types. */
const VARINT = 0;
const BYTES = 2;
const FIXED32 = 5;

const key = (w: Writer, field: number, wire: number): Writer => w.uint32((field << 3) | wire);

/** A length-delimited sub-message at `field`, written by `body`. */
function message(w: Writer, field: number, body: (w: Writer) => void): void {
  key(w, field, BYTES).fork();
  body(w);
  w.ldelim();
}

function attribute(w: Writer, name: string, value: AttributeValue): void {
  message(w, 5, (a) => {
    key(a, 1, BYTES).string(name);
    if ('int' in value) {
      key(a, 3, VARINT).int64(value.int);
      key(a, 20, VARINT).int32(ATTR_INT);
    } else if ('float' in value) {
      key(a, 2, FIXED32).float(value.float);
      key(a, 20, VARINT).int32(ATTR_FLOAT);
    } else {
      for (const v of value.ints) key(a, 8, VARINT).int64(v);
      key(a, 20, VARINT).int32(ATTR_INTS);
    }
  });
}

function valueInfo(w: Writer, field: number, t: TensorSignature): void {
  message(w, field, (v) => {
    key(v, 1, BYTES).string(t.name);
    message(v, 2, (type) =>
      message(type, 1, (tensor) => {
        key(tensor, 1, VARINT).int32(t.type === 'float64' ? DOUBLE : FLOAT);
        message(tensor, 2, (shape) => {
          for (const d of t.dims) {
            message(shape, 1, (dim) => {
              if (typeof d === 'number') key(dim, 1, VARINT).int64(d);
              else key(dim, 2, BYTES).string(d);
            });
          }
        });
      }),
    );
  });
}

/** Whether this machine stores a float32 as ONNX's raw_data does (little-endian): every platform ONNX Runtime's package supports. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A TensorProto. Float32 values go in `raw_data` (field 9, little-endian bytes), one write for the
 * whole tensor: as repeated `float_data` each value was a write of its own, and the tangent kernel
 * graph's 2,500-value seed took milliseconds of a fresh process's first measurement to encode. The
 * bytes are a Float32Array's own (a copy of the values by the engine, no JavaScript loop per value).
 */
function initializer(w: Writer, t: OnnxInitializer): void {
  message(w, 5, (p) => {
    for (const d of t.dims) key(p, 1, VARINT).int64(d);
    key(p, 2, VARINT).int32(t.type === 'float32' ? FLOAT : INT64);
    if (t.type === 'float32') {
      const values = Float32Array.from(t.values);
      if (!LITTLE_ENDIAN) {
        const view = new DataView(values.buffer);
        values.forEach((v, i) => view.setFloat32(4 * i, v, true));
      }
      key(p, 9, BYTES).bytes(new Uint8Array(values.buffer));
    } else {
      for (let i = 0; i < t.values.length; i++) key(p, 7, VARINT).int64(t.values[i]);
    }
    key(p, 8, BYTES).string(t.name);
  });
}

/**
 * The bytes of a ModelProto holding one graph. Throws when a node reads a name that no input,
 * initializer or earlier node defines, or when a name is defined twice (the graph must be in
 * topological order, as ONNX requires).
 */
export function encodeModel(graph: { name: string; nodes: readonly OnnxNode[]; initializers: readonly OnnxInitializer[]; inputs: readonly TensorSignature[]; outputs: readonly TensorSignature[] }): Uint8Array {
  const defined = new Set<string>();
  const define = (name: string) => {
    if (defined.has(name)) throw new Error(`ONNX graph ${graph.name}: ${name} is defined twice`);
    defined.add(name);
  };
  graph.inputs.forEach((t) => define(t.name));
  graph.initializers.forEach((t) => define(t.name));
  for (const n of graph.nodes) {
    for (const i of n.inputs) if (i !== '' && !defined.has(i)) throw new Error(`ONNX graph ${graph.name}: ${n.op} reads ${i} before it is defined`);
    n.outputs.forEach(define);
  }
  for (const o of graph.outputs) if (!defined.has(o.name)) throw new Error(`ONNX graph ${graph.name}: output ${o.name} is never computed`);

  const w = Writer.create();
  key(w, 1, VARINT).int64(7); // ir_version
  key(w, 2, BYTES).string('feature-learning-lab'); // producer_name
  message(w, 7, (g) => {
    graph.nodes.forEach((n, k) =>
      message(g, 1, (p) => {
        for (const i of n.inputs) key(p, 1, BYTES).string(i);
        for (const o of n.outputs) key(p, 2, BYTES).string(o);
        key(p, 3, BYTES).string(`${n.op}_${k}`);
        key(p, 4, BYTES).string(n.op);
        for (const [name, value] of Object.entries(n.attributes ?? {})) attribute(p, name, value);
      }),
    );
    key(g, 2, BYTES).string(graph.name);
    graph.initializers.forEach((t) => initializer(g, t));
    graph.inputs.forEach((t) => valueInfo(g, 11, t));
    graph.outputs.forEach((t) => valueInfo(g, 12, t));
  });
  message(w, 8, (o) => {
    key(o, 1, BYTES).string(''); // the default domain
    key(o, 2, VARINT).int64(13);
  });
  return w.finish();
}
