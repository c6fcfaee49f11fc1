/**
 * The data-reading part of the emitted `train.py`, as fixed Python text in pieces so that the
 * program holds only the readers its `train` block uses. Semantics follow docs/data.md: label
 * kinds and class order, stratified split quotas, normalization on the training split.
 * Nothing from the `.nn` file goes in here; paths and column names arrive as arguments.
 */

/** Shared by every reader: number parsing, gzip, label encoding. */
export const LABELS_PY = String.raw`def _open_bytes(path):
    """The file's bytes, gunzipped when it starts with the gzip magic bytes (as nn does)."""
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _number(text, where):
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{where}: expected a number, found {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: {text!r} is not a finite number")
    return value


def _is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        return math.isfinite(float(str(value).strip()))
    except ValueError:
        return False


def encode_labels(raw, kind, outputs, where):
    """Labels as the loss reads them (docs/data.md): class indices [N] for "class", 0/1 as [N, 1]
    for "binary" (numbers are the indices, names are numbered in sorted order), values [N, outputs].
    Returns (y, classes)."""
    if kind == "value":
        y = np.array([[_number(str(v), where) for v in (r if isinstance(r, list) else [r])] for r in raw], dtype=np.float32)
        if y.shape[1] != outputs:
            raise ValueError(f"{where}: {y.shape[1]} label values per sample, the model has {outputs} outputs")
        return y, None
    count = outputs if kind == "class" else 2
    texts = [str(v).strip() if not isinstance(v, (int, float)) else repr(v) for v in raw]
    if all(_is_number(v) for v in raw):
        values = [float(str(v).strip()) for v in raw]
        for v in values:
            if kind == "binary" and v not in (0.0, 1.0):
                raise ValueError(f"{where}: binary labels must be 0 or 1, found {v}")
            if v != int(v) or v < 0 or v >= count:
                raise ValueError(f"{where}: class label {v} is not an integer in 0..{count - 1}")
        y = np.array(values, dtype=np.float32)
        return (y.reshape(-1, 1) if kind == "binary" else y), [str(k) for k in range(count)]
    classes = sorted(set(texts))
    if len(classes) > count or (kind == "binary" and len(classes) != 2):
        raise ValueError(f"{where}: {len(classes)} distinct labels, the model has {count} classes")
    index = {c: k for k, c in enumerate(classes)}
    y = np.array([index[t] for t in texts], dtype=np.float32)
    return (y.reshape(-1, 1) if kind == "binary" else y), classes
`;

/** `csv(path, label: "column")`. */
export const CSV_PY = String.raw`def read_csv(path, label):
    """Features are every column but the label, in file order; returns (x [N, F] float32, raw labels)."""
    text = _open_bytes(path).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    while rows and rows[-1] == []:
        rows.pop()
    if not rows:
        raise ValueError(f"{path}: the file is empty")
    header = [h.strip() for h in rows[0]]
    if label not in header:
        raise ValueError(f"{path}: no label column {label!r} (columns: {', '.join(header)})")
    li = header.index(label)
    x, raw = [], []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}:{line}: {len(row)} cells, the header has {len(header)}")
        x.append([_number(c, f"{path}:{line}") for k, c in enumerate(row) if k != li])
        raw.append(row[li].strip())
    return np.array(x, dtype=np.float32).reshape(len(x), -1), raw
`;

/** `json(path)`: an array of `{x, y}` samples or an object of columns. */
export const JSON_PY = String.raw`def read_json(path):
    """An array of {"x": ..., "y": ...} samples or {"x": [...], "y": [...]}; x flattened row-major."""
    root = json.loads(_open_bytes(path).decode("utf-8-sig"))
    if isinstance(root, list):
        xs = [s["x"] for s in root]
        ys = [s.get("y") for s in root]
    else:
        xs, ys = root["x"], root.get("y", [None] * len(root["x"]))
    x = np.array([np.asarray(v, dtype=np.float64).reshape(-1) for v in xs], dtype=np.float32)
    return x.reshape(len(xs), -1), ys
`;

/** `idx(images, labels)`: the MNIST format. */
export const IDX_PY = String.raw`_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_idx_array(path):
    data = _open_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file")
    ndims = data[3]
    dims = struct.unpack(">" + "I" * ndims, data[4 : 4 + 4 * ndims])
    dtype = np.dtype(_IDX_TYPES[data[2]])
    body = data[4 + 4 * ndims :]
    if len(body) != int(np.prod(dims)) * dtype.itemsize:
        raise ValueError(f"{path}: the data does not match the header's size")
    return np.frombuffer(body, dtype=dtype).reshape(dims)


def read_idx(images, labels):
    """Returns (x [N, F] float32, raw labels) from an images file [N, ...] and a labels file [N]."""
    x = _read_idx_array(images)
    y = _read_idx_array(labels)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{images}: {x.shape[0]} images but {labels} has {y.shape[0]} labels")
    return x.reshape(x.shape[0], -1).astype(np.float32), [int(v) for v in y]
`;

/** `validation: split(fraction)`. */
export const SPLIT_PY = String.raw`def split_indices(y, fraction, stratified, seed):
    """round(fraction * N) samples held out; stratified by class with largest-remainder quotas
    (ties to the lower class), as nn. Which samples are held out is drawn with NumPy's generator
    seeded with the train block's seed, so the indices differ from nn's (docs/export.md)."""
    n = len(y)
    total = int(math.floor(fraction * n + 0.5))
    if total < 1 or total >= n:
        raise ValueError(f"split({fraction}) of {n} samples leaves one side empty")
    if stratified:
        groups = [np.flatnonzero(y == c) for c in sorted(set(y.tolist()))]
    else:
        groups = [np.arange(n)]
    quotas = [int(math.floor(fraction * len(g))) for g in groups]
    order = sorted(range(len(groups)), key=lambda g: (-(fraction * len(groups[g]) - quotas[g]), g))
    k = 0
    while sum(quotas) < total:
        g = order[k % len(order)]
        if quotas[g] < len(groups[g]):
            quotas[g] += 1
        k += 1
    rng = np.random.default_rng(seed)
    held = np.zeros(n, dtype=bool)
    for g, q in zip(groups, quotas):
        held[rng.permutation(g)[:q]] = True
    return np.flatnonzero(~held), np.flatnonzero(held)
`;

/** Normalization fitted on the training split (population std; a zero-std feature is only centred). */
export const NORMALIZE_PY: { readonly [K in 'standardize' | 'minmax' | 'none']: string } = {
  standardize: String.raw`def fit_normalization(x):
    """Mean and population standard deviation per feature, in float64, stored as float32."""
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=0)
    std = np.sqrt(((x64 - mean) ** 2).sum(axis=0) / x.shape[0])
    return {"kind": "standardize", "mean": mean.astype(np.float32), "std": std.astype(np.float32)}


def apply_normalization(stats, x):
    """(x - mean) / std; a feature whose std is 0 is only centred."""
    centred = x.astype(np.float64) - stats["mean"].astype(np.float64)
    std = stats["std"].astype(np.float64)
    return np.where(std == 0, centred, centred / np.where(std == 0, 1, std)).astype(np.float32)


def normalization_json(stats):
    return json.dumps({"kind": "standardize", "mean": stats["mean"].tolist(), "std": stats["std"].tolist()})
`,
  minmax: String.raw`def fit_normalization(x):
    """Minimum and maximum per feature."""
    return {"kind": "minmax", "min": x.min(axis=0).astype(np.float32), "max": x.max(axis=0).astype(np.float32)}


def apply_normalization(stats, x):
    """(x - min) / (max - min); a constant feature becomes 0. Later data is not clipped."""
    lo = stats["min"].astype(np.float64)
    span = stats["max"].astype(np.float64) - lo
    centred = x.astype(np.float64) - lo
    return np.where(span == 0, 0.0, centred / np.where(span == 0, 1, span)).astype(np.float32)


def normalization_json(stats):
    return json.dumps({"kind": "minmax", "min": stats["min"].tolist(), "max": stats["max"].tolist()})
`,
  none: String.raw`def fit_normalization(x):
    return {"kind": "none", "features": int(x.shape[1])}


def apply_normalization(stats, x):
    return x


def normalization_json(stats):
    return json.dumps(stats)
`,
};
