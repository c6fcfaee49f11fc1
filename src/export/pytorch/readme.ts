/** The README.md written beside the exported program. */
import type { CheckedModel, CheckedTrain } from '../../checker/types.js';

/** Markdown inline code for a name from the `.nn` file (identifiers only reach here, but be safe). */
const code = (s: string): string => `\`${s.replace(/[`\r\n]/g, ' ')}\``;

/** The README of an exported program. */
export function emitReadme(model: CheckedModel, train: CheckedTrain | null): string {
  const usage = train
    ? `## Train

\`\`\`sh
python train.py                                  # one process
torchrun --nproc_per_node=4 train.py             # four processes on this machine (gloo)
torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py
\`\`\`

Flags: \`--epochs N\`, \`--seed S\`, \`--weights-in W\` (start from an nn weights file),
\`--weights-out W\` (default \`weights.safetensors\`, rewritten atomically after every epoch),
\`--json\` (one JSON object per epoch: \`epoch, loss, val_loss?, metrics, lr, samples_per_s\`).

Under \`torchrun\` each process takes \`batch / N\` samples of every global batch (the batch must
be a multiple of N), the loss of each is the mean over its share and DistributedDataParallel
averages the gradients, so a step sees the same gradient as one process with the whole batch.
Data paths of the \`.nn\` file resolve against \`DATA_DIR\` in \`train.py\` (the \`.nn\` file's folder
at export time, relative to this folder).

## What matches nn, and what does not

- The same weight names, layouts, initializer formulas, loss, optimizer (\`torch.optim\`),
  schedule, clipping, regularization penalties (added to the loss), normalization statistics
  and class order; weights are float32 safetensors that \`nn eval\` and \`nn predict\` read.
- Random numbers come from torch and NumPy, not nn's generator: the initial weights, dropout
  masks, the shuffled order (\`DistributedSampler\`) and which samples \`split(f)\` holds out
  (same per-class counts) differ from \`nn train\`. Start from the same weights
  (\`--weights-in\`) with \`shuffle: false\` and no dropout to get the same numbers.
- Under torchrun, batchnorm statistics are per process (as DistributedDataParallel without
  SyncBatchNorm), and if the training set size is not a multiple of N the sampler repeats a few
  samples to even the shares.
- \`nadam\` on torch 1.13 differs slightly from nn (torch 1.13's NAdam counts \`mu\` twice in
  \`mu_product_next\`; fixed in later versions).
- Debian's torch 1.13 \`torchrun\` on Python 3.11 can fail before starting workers with
  \`AttributeError: 'NoneType' object has no attribute 'get'\` (its \`Std.from_str\` compares an
  enum with ints); see nn's docs/export.md for a two-line launcher fix.
`
    : 'The `.nn` file has no `train` block for this model, so only `model.py` was written.\n';
  return `# ${code(model.name)} in PyTorch

Written by \`nn export --target pytorch\`. Needs Python 3, PyTorch (1.13 or later) and NumPy.

- \`model.py\`: \`Model\`, an \`nn.Module\` whose \`state_dict\` names are nn's weight names
  (\`LAYER.weight\`, \`LAYER.bias\`, \`LAYER.running_mean\`, \`LAYER.running_var\`), and
  \`load_weights(model, path)\` / \`save_weights(model, path, metadata)\` for nn's safetensors files.
${train ? '- `train.py`: the `train` block.\n' : ''}
## Use the model

\`\`\`python
from model import Model, load_weights
model = Model()
metadata = load_weights(model, "weights.safetensors")   # nn.classes, nn.normalization, ...
model.eval()
\`\`\`

Inputs must be normalized with the statistics in \`metadata["nn.normalization"]\`, as \`nn predict\` does.

${usage}`;
}
