// The subset of ONNX's onnx.proto needed to write an inference graph, and a small builder on top,
// so that recognisers shipped as TF.js weights can be turned into ONNX models at start-up instead of
// committing converted weights. Field numbers are those of onnx/onnx.proto (IR version 8).
import protobuf from 'protobufjs';

const schema = `
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; FLOATS = 6; INTS = 7; }
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  AttributeType type = 20;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string domain = 7;
}
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  string name = 8;
  bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
`;

const ModelProto = protobuf.parse(schema).root.lookupType('onnx.ModelProto');

const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

export type Attribute = number | readonly number[] | { float: number };

interface NodeSpec {
  op: string;
  inputs: string[];
  output: string;
  attributes?: Record<string, Attribute>;
}

/** Collects nodes and initializers; `toBytes` serialises a ModelProto that onnxruntime loads. */
export class OnnxGraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: { name: string; dims: number[]; dataType: number; raw: Uint8Array }[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  /** A float32 constant (weights). Returns its name. */
  floatTensor(name: string, dims: number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`initializer ${name}: ${values.length} values for dims ${dims.join('x')}`);
    const raw = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push({ name, dims, dataType: FLOAT, raw });
    return name;
  }

  /** An int64 constant (shapes, pads). Returns its name. */
  int64Tensor(name: string, values: readonly number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dims: [values.length], dataType: INT64, raw });
    return name;
  }

  /** Adds one node and returns the name of its (single) output. */
  node(op: string, inputs: string[], attributes?: Record<string, Attribute>): string {
    const output = `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ op, inputs, output, ...(attributes ? { attributes } : {}) });
    return output;
  }

  /** Renames the last node's output (graph outputs get stable names). */
  nameLastOutput(name: string): string {
    const last = this.nodes[this.nodes.length - 1];
    if (!last) throw new Error('no node to name');
    last.output = name;
    return name;
  }

  toBytes(input: { name: string; shape: (number | string)[] }, output: { name: string; shape: (number | string)[] }): Uint8Array {
    const valueInfo = (v: { name: string; shape: (number | string)[] }) => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: FLOAT,
          shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const message = ModelProto.fromObject({
      irVersion: 8,
      producerName: 'settlement-terminal/face',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: this.name,
        node: this.nodes.map((n) => ({
          input: n.inputs,
          output: [n.output],
          name: n.output,
          opType: n.op,
          attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
        })),
        initializer: this.initializers.map((t) => ({ name: t.name, dims: t.dims, dataType: t.dataType, rawData: t.raw })),
        input: [valueInfo(input)],
        output: [valueInfo(output)],
      },
    });
    return ModelProto.encode(message).finish();
  }
}

function attribute(name: string, value: Attribute) {
  if (typeof value === 'number') return { name, type: ATTR_INT, i: value };
  if ('float' in value) return { name, type: ATTR_FLOAT, f: value.float };
  return { name, type: ATTR_INTS, ints: [...value] };
}
