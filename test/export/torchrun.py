"""torchrun with Debian torch 1.13's Std.from_str fixed for Python 3.11 (enum members no longer equal ints)."""
import sys
from torch.distributed.elastic.multiprocessing.api import Std


def _from_str(cls, vm):
    if vm.isdigit():
        return Std(int(vm))
    return {int(i): Std(int(v)) for i, v in (m.split(":") for m in vm.split(","))}


Std.from_str = classmethod(_from_str)
from torch.distributed.run import main  # noqa: E402

sys.argv[0] = "torchrun"
main()
