/**
 * `nn export --target pytorch`: a checked model and its `train` block as a small PyTorch
 * program (model.py, train.py, README.md). Pure: returns the files' text, touches no file system.
 */
import type { CheckedModel, CheckedTrain } from '../../checker/types.js';
import { emitModelPy } from './model.js';
import { emitReadme } from './readme.js';
import { emitTrainPy, type TrainPyOptions } from './train.js';

export { emitModelPy, outputActivation } from './model.js';
export { emitTrainPy, labelKind } from './train.js';
export type { TrainPyOptions } from './train.js';

/** One file of an exported program: a name inside the output folder and its text. */
export interface ExportedFile {
  readonly name: string;
  readonly text: string;
}

/**
 * The PyTorch program of `model` (valid, shapes known) and its `train` block. Without a train
 * block only model.py and the README are written.
 */
export function exportPytorch(model: CheckedModel, train: CheckedTrain | null, options: TrainPyOptions): ExportedFile[] {
  const files: ExportedFile[] = [{ name: 'model.py', text: emitModelPy(model) }];
  if (train) files.push({ name: 'train.py', text: emitTrainPy(model, train, options) });
  files.push({ name: 'README.md', text: emitReadme(model, train) });
  return files;
}
