/**
 * `train.py`: the `train` block as a PyTorch program that runs on one process
 * (`python train.py`) or many (`torchrun --nproc_per_node=N train.py`, DistributedDataParallel
 * with a DistributedSampler, gloo on CPU).
 */
import type { BuiltinRef, CheckedModel, CheckedTrain } from '../../checker/types.js';
import { pyFloat, pyNumber, pyString } from '../python.js';
import { CSV_PY, IDX_PY, JSON_PY, LABELS_PY, NORMALIZE_PY, SPLIT_PY } from './data-py.js';
import { outputActivation } from './model.js';
import { lookup, penaltyTerms, torchClips, torchLosses, torchMetrics, torchOptimizers, torchSchedules } from './objectives.js';
import { TRAIN_LOOP_PY } from './loop-py.js';

/** Options of the emitted program that do not come from the `.nn` file. */
export interface TrainPyOptions {
  /**
   * The folder relative data paths resolve against, as the program sees it: relative to the
   * folder of `train.py` (or absolute). The CLI passes the `.nn` file's folder relative to `-o DIR`.
   */
  readonly dataDir: string;
}

const indent = (lines: readonly string[], by: string): string => lines.map((l) => (l ? `${by}${l}` : l)).join('\n');

/** The label kind the loss implies (docs/data.md). */
export function labelKind(train: CheckedTrain): 'class' | 'binary' | 'value' {
  const loss = train.loss?.builtin;
  return loss === 'cross_entropy' ? 'class' : loss === 'binary_cross_entropy' ? 'binary' : 'value';
}

function readerCall(ref: BuiltinRef): string {
  const s = (name: string): string => pyString(String(ref.args[name]));
  switch (ref.builtin) {
    case 'csv':
      return `read_csv(data_path(${s('path')}), label=${s('label')})`;
    case 'json':
      return `read_json(data_path(${s('path')}))`;
    case 'idx':
      return `read_idx(data_path(${s('images')}), data_path(${s('labels')}))`;
    default:
      throw new Error(`export: ${ref.builtin} is not a data file source`);
  }
}

function loadDataPy(train: CheckedTrain, outputs: number): string {
  const data = train.data!;
  const kind = labelKind(train);
  const lines = [
    `x, raw = ${readerCall(data)}`,
    `y, classes = encode_labels(raw, LABEL_KIND, ${pyNumber(outputs)}, "training data")`,
  ];
  const v = train.validation;
  if (v?.builtin === 'split') {
    lines.push(
      `train_idx, val_idx = split_indices(y.reshape(len(y), -1)[:, 0], ${pyFloat(Number(v.args['fraction']))}, ${kind === 'value' ? 'False' : 'True'}, SEED)`,
      'x, y, val_x, val_y = x[train_idx], y[train_idx], x[val_idx], y[val_idx]',
    );
  } else if (v) {
    lines.push(
      `val_x, val_raw = ${readerCall(v)}`,
      'if classes is not None and not all(_is_number(r) for r in raw):',
      '    index = {c: k for k, c in enumerate(classes)}',
      '    val_y = np.array([index[str(r).strip()] for r in val_raw], dtype=np.float32).reshape((-1,) + y.shape[1:])',
      'else:',
      `    val_y, _ = encode_labels(val_raw, LABEL_KIND, ${pyNumber(outputs)}, "validation data")`,
    );
  } else lines.push('val_x = val_y = None');
  lines.push(
    'stats = fit_normalization(x)',
    'x = apply_normalization(stats, x)',
    'if val_x is not None:',
    '    val_x = apply_normalization(stats, val_x)',
    'return x, y, val_x, val_y, classes, stats',
  );
  return `def load_data():
    """Reads the train block's data, splits off validation, normalizes with training statistics."""
${indent(lines, '    ')}`;
}

/** The Python source of `train.py` for a valid model and its train block. */
export function emitTrainPy(model: CheckedModel, train: CheckedTrain, options: TrainPyOptions): string {
  if (!train.valid || !train.data || !train.loss || !train.optimizer) throw new Error('export: the train block has errors');
  const outputs = model.outputShape!.reduce((a, b) => a * b, 1);
  const output = outputActivation(model);
  const fusedSoftmax = output === 'softmax';
  const sources = [train.data, ...(train.validation ? [train.validation] : [])].map((r) => r.builtin);
  const readers = [LABELS_PY, ...(sources.includes('csv') ? [CSV_PY] : []), ...(sources.includes('json') ? [JSON_PY] : []), ...(sources.includes('idx') ? [IDX_PY] : [])];
  if (train.validation?.builtin === 'split') readers.push(SPLIT_PY);
  readers.push(NORMALIZE_PY[train.normalize]);

  const lossExpr = lookup(torchLosses, train.loss, 'loss')(train.loss.args, { output });
  const penalty = penaltyTerms(model, train);
  const clip = train.clip ? lookup(torchClips, train.clip, 'clip rule')(train.clip.args) : ['pass'];
  const schedule = lookup(torchSchedules, train.schedule, 'schedule')(train.schedule.args);
  const metrics = train.metrics.map((m) => `${pyString(m.builtin)}: ${lookup(torchMetrics, m, 'metric')(labelKind(train), outputs, output !== 'sigmoid')},`);
  const fullBatch = train.batch === 'full';
  const plateau = train.schedule.builtin === 'reduce_on_plateau';
  const patience = train.earlyStop ? Number(train.earlyStop.args['n']) : null;

  return `"""Trains the model of a .nn file with PyTorch, written by \`nn export --target pytorch\`.

One process:  python train.py [--epochs N] [--seed S] [--weights-in W] [--weights-out W] [--json]
Many:         torchrun --nproc_per_node=N train.py [...]   (DistributedDataParallel, gloo on CPU)
See README.md for what matches nn exactly and what does not.
"""
import argparse
import copy
import csv
import gzip
import io
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import MODEL_NAME, INPUT_SHAPE, Model, load_weights, save_weights  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Relative paths in the .nn file resolve against its folder; this is that folder, relative to
# this file's folder (or absolute). Change it if you move the program.
DATA_DIR = os.path.join(HERE, ${pyString(options.dataDir)})

SEED = ${pyNumber(train.seed)}
EPOCHS = ${pyNumber(train.epochs)}
# The global batch: split evenly across processes under torchrun. None is the full training set.
BATCH = ${fullBatch ? 'None' : pyNumber(train.batch as number)}
SHUFFLE = ${train.shuffle ? 'True' : 'False'}
LR = ${pyFloat(Number(train.optimizer.args['lr']))}
LABEL_KIND = ${pyString(labelKind(train))}
# Early stopping: epochs without a better validation loss before stopping (None: never).
PATIENCE = ${patience === null ? 'None' : pyNumber(patience)}


def data_path(path):
    return path if os.path.isabs(path) else os.path.join(DATA_DIR, path)


${readers.join('\n\n')}

${loadDataPy(train, outputs)}


def loss_fn(out, y):
    """The train block's data loss: the mean over the batch."""
    return ${lossExpr}


def penalty(model):
    """Weight penalties with Keras' definitions (l2(a) adds a*sum(w^2), l1(a) adds a*sum(|w|))."""
${penalty.length === 0 ? '    return 0.0' : `    L = model._modules\n    return (\n${penalty.map((t, i) => `        ${i === 0 ? '' : '+ '}${t}`).join('\n')}\n    )`}


METRIC_NAMES = [${train.metrics.map((m) => pyString(m.builtin)).join(', ')}]


def metric_sums(out, y):
    """Per-batch sums of the train block's metrics over the model's outputs (divided by the
    sample count per epoch)."""
    return {
${metrics.map((m) => `        ${m}`).join('\n')}
    }


def clip_gradients(params):
    """The train block's clip rule, after backward and before the optimizer step."""
${indent(clip, '    ')}


def make_optimizer(params):
    return ${lookup(torchOptimizers, train.optimizer, 'optimizer')(train.optimizer.args)}


def lr_at(epoch):
    """The learning rate of 0-based \`epoch\` (schedules step once per epoch)."""
${indent(schedule, '    ')}


def train_outputs(model, x):
    """Outputs the loss reads: logits when a final softmax is fused with cross_entropy."""
    return model(x${fusedSoftmax && train.loss.builtin === 'cross_entropy' ? ', logits=True' : ''})


def as_outputs(out):
    """The model's outputs from what train_outputs returned (for metrics)."""
    return ${fusedSoftmax && train.loss.builtin === 'cross_entropy' ? 'torch.softmax(out, dim=1)' : 'out'}


PLATEAU = ${plateau ? `dict(factor=${pyFloat(Number(train.schedule.args['factor']))}, patience=${pyNumber(Number(train.schedule.args['patience']))})` : 'None'}

${TRAIN_LOOP_PY}`;
}
