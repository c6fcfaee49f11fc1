"""Runs exported models on saved inputs for the export tests: for each case folder, loads
w.safetensors into model.Model, writes the evaluation-mode outputs (out.bin), the loss of
train.loss_fn when the case has a train.py (loss.json), and the weights written back by
save_weights (back.safetensors)."""
import json
import os
import sys

import numpy as np
import torch

for case in sys.argv[1:]:
    for name in ("model", "train"):
        sys.modules.pop(name, None)
    sys.path.insert(0, case)
    import model as M

    meta = json.load(open(os.path.join(case, "case.json")))
    net = M.Model()
    M.load_weights(net, os.path.join(case, "w.safetensors"))
    net.eval()
    x = torch.from_numpy(np.fromfile(os.path.join(case, "x.bin"), dtype="<f4")).reshape((meta["n"],) + M.INPUT_SHAPE)
    with torch.no_grad():
        out = net(x)
    out.numpy().astype("<f4").tofile(os.path.join(case, "out.bin"))
    M.save_weights(net, os.path.join(case, "back.safetensors"), {"format": "pt"})
    if os.path.exists(os.path.join(case, "train.py")) and os.path.exists(os.path.join(case, "y.bin")):
        import train as T

        y = torch.from_numpy(np.fromfile(os.path.join(case, "y.bin"), dtype="<f4")).reshape(meta["y_shape"])
        with torch.no_grad():
            loss = float(T.loss_fn(T.train_outputs(net, x), y))
        json.dump({"loss": loss}, open(os.path.join(case, "loss.json"), "w"))
    sys.path.pop(0)
