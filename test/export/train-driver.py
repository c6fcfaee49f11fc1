"""Runs several exported train.py programs in one interpreter (torch imports once): for each
case folder, `python train.py --weights-in w0.safetensors --weights-out w1.safetensors --json`
with stdout captured into log.jsonl."""
import contextlib
import os
import runpy
import sys

for case in sys.argv[1:]:
    for name in ("model", "train"):
        sys.modules.pop(name, None)
    os.chdir(case)
    sys.argv = ["train.py", "--weights-in", "w0.safetensors", "--weights-out", "w1.safetensors", "--json"]
    with open("log.jsonl", "w") as log, contextlib.redirect_stdout(log):
        runpy.run_path(os.path.join(case, "train.py"), run_name="__main__")
