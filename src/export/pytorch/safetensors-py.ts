/**
 * The safetensors reader and writer emitted into `model.py` (the `safetensors` package is not
 * assumed): struct + json + numpy, the same format and metadata keys as src/io/safetensors.ts
 * and docs/data.md. Fixed text: nothing from the `.nn` file goes in here.
 */
export const SAFETENSORS_PY = String.raw`# --- safetensors (the format of nn's weights files: 8-byte little-endian header length,
# a JSON header of {name: {dtype, shape, data_offsets}} and "__metadata__", then the data) ---

_DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "F16": np.dtype("<f2")}


def read_safetensors(path):
    """Returns ({name: float32 numpy array}, {metadata key: string}) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > 100_000_000 or 8 + n > len(data):
        raise ValueError(f"{path}: bad safetensors header length {n}")
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    base = 8 + n
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        raw = data[base + begin : base + end]
        dtype = entry["dtype"]
        if dtype == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif dtype in _DTYPES:
            array = np.frombuffer(raw, dtype=_DTYPES[dtype]).astype(np.float32)
        else:
            raise ValueError(f"{path}: tensor {name!r} has dtype {dtype}; only float tensors are weights")
        tensors[name] = array.reshape(entry["shape"])
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: array} as F32 safetensors, atomically (a temporary file, then a rename)."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks = []
    offset = 0
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(np.shape(array)), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for raw in chunks:
                f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def weights_of(model):
    """The model's tensors under nn's names: its state_dict without BatchNorm's
    num_batches_tracked (unused with a fixed momentum, and not part of nn's files)."""
    return {k: v.detach().cpu().float().numpy() for k, v in model.state_dict().items() if not k.endswith(".num_batches_tracked")}


def load_weights(model, path):
    """Loads an nn weights file into the model (names and shapes must match) and returns its metadata."""
    tensors, metadata = read_safetensors(path)
    expected = weights_of(model)
    problems = [f"missing {k}" for k in expected if k not in tensors]
    problems += [f"unexpected {k}" for k in tensors if k not in expected]
    problems += [
        f"{k}: shape {list(tensors[k].shape)}, the model has {list(v.shape)}"
        for k, v in expected.items()
        if k in tensors and tuple(tensors[k].shape) != tuple(v.shape)
    ]
    if problems:
        raise ValueError(f"{path}: the weights do not fit the model: " + "; ".join(problems))
    # strict=False only for num_batches_tracked, which nn's files do not hold; every other name was checked above.
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()}, strict=False)
    return metadata


def save_weights(model, path, metadata=None):
    """Writes the model's weights as an nn weights file (F32, nn's names, metadata strings)."""
    write_safetensors(path, weights_of(model), metadata)
`;
