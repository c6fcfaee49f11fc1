/**
 * Tensors of the runtime: a typed array plus a shape, batch dimension first, samples in
 * PyTorch layouts (images CHW). Float32 is the training dtype, Float64 the gradient-check one.
 */

/** The two storage types every kernel accepts. */
export type FloatArray = Float32Array | Float64Array;

/** The dtype names, as the compiler and the plan spell them. */
export type DType = 'float32' | 'float64';

/** A full tensor shape, batch dimension first (`[B, C, H, W]`, `[B, F]`, `[1]` for a scalar loss). */
export type TensorShape = readonly number[];

/** A typed array with its shape; `data.length === sizeOf(shape)`. */
export interface Tensor {
  readonly data: FloatArray;
  readonly shape: TensorShape;
}

/** The number of elements of a shape (1 for `[]`). */
export function sizeOf(shape: TensorShape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A zero-filled array of the given dtype and length. */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** The dtype of an array. */
export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

/** A zero-filled tensor of the given shape. */
export function zeros(shape: TensorShape, dtype: DType = 'float32'): Tensor {
  return { data: allocate(dtype, sizeOf(shape)), shape: [...shape] };
}

/** A tensor holding a copy of `values`; throws if the length does not fit the shape (internal bug). */
export function fromArray(values: ArrayLike<number>, shape: TensorShape, dtype: DType = 'float32'): Tensor {
  if (values.length !== sizeOf(shape)) {
    throw new Error(`fromArray: ${values.length} values do not fill shape [${shape.join(', ')}]`);
  }
  const data = allocate(dtype, values.length);
  data.set(values);
  return { data, shape: [...shape] };
}
