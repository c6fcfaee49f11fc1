/**
 * The training loop of the emitted `train.py`: fixed Python text (nothing from the `.nn` file)
 * calling the per-program functions above it (load_data, loss_fn, penalty, clip_gradients,
 * make_optimizer, lr_at, train_outputs, metric_sums).
 */
export const TRAIN_LOOP_PY = String.raw`def parse_args():
    parser = argparse.ArgumentParser(description="Train " + MODEL_NAME + " (exported from nn).")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--weights-in", help="start from these weights (an nn safetensors file)")
    parser.add_argument("--weights-out", default="weights.safetensors", help="written after every epoch (atomic)")
    parser.add_argument("--json", action="store_true", help="one JSON object per epoch on stdout")
    return parser.parse_args()


def evaluate(model, x, y, batch):
    """Evaluation mode: the mean data loss and the metrics over a whole data set."""
    model.eval()
    total, sums = 0.0, {}
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb, yb = x[i : i + batch], y[i : i + batch]
            total += float(loss_fn(train_outputs(model, xb), yb)) * len(xb)
            for k, v in metric_sums(as_outputs(train_outputs(model, xb)), yb).items():
                sums[k] = sums.get(k, 0.0) + float(v)
    return total / len(x), {k: v / len(x) for k, v in sums.items()}


def main():
    args = parse_args()
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("gloo")
    torch.manual_seed(args.seed)

    x, y, val_x, val_y, classes, stats = load_data()
    x = torch.from_numpy(x).reshape((-1,) + INPUT_SHAPE)
    y = torch.from_numpy(y)
    if val_x is not None:
        val_x = torch.from_numpy(val_x).reshape((-1,) + INPUT_SHAPE)
        val_y = torch.from_numpy(val_y)
    batch = BATCH or len(x)
    if batch % world != 0:
        raise SystemExit(f"the batch ({batch}) must be a multiple of the number of processes ({world})")

    model = Model()
    model.reset_parameters()
    if args.weights_in:
        load_weights(model, args.weights_in)
    net = DistributedDataParallel(model) if world > 1 else model
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(params)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", threshold=1e-4, **PLATEAU) if PLATEAU else None

    # Every process sees batch / world samples of each global batch: DistributedSampler deals
    # the (shuffled) order out round-robin, so global batch k is samples k*batch .. (k+1)*batch
    # of that order, as in one process. Each process's loss is the mean over its share, and
    # DDP averages the gradients, which is the mean over the global batch.
    sampler = DistributedSampler(TensorDataset(x, y), num_replicas=world, rank=rank, shuffle=SHUFFLE, seed=args.seed, drop_last=False)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch // world, sampler=sampler)
    metadata = {"format": "pt", "nn.model": MODEL_NAME, "nn.normalization": normalization_json(stats)}
    if classes is not None:
        metadata["nn.classes"] = json.dumps(classes)

    best, best_state, bad = math.inf, None, 0
    for epoch in range(args.epochs):
        lr = optimizer.param_groups[0]["lr"] if plateau else lr_at(epoch)
        for group in optimizer.param_groups:
            group["lr"] = lr
        sampler.set_epoch(epoch)
        net.train()
        names = METRIC_NAMES
        sums = torch.zeros(2 + len(names), dtype=torch.float64)  # loss * n, n, metric sums
        started = time.perf_counter()
        for xb, yb in loader:
            optimizer.zero_grad()
            out = train_outputs(net, xb)
            loss = loss_fn(out, yb) + penalty(model)
            loss.backward()
            clip_gradients(params)
            optimizer.step()
            with torch.no_grad():
                batch_metrics = metric_sums(as_outputs(out), yb)
            sums += torch.tensor([float(loss) * len(xb), len(xb)] + [float(batch_metrics[k]) for k in names], dtype=torch.float64)
        elapsed = time.perf_counter() - started
        if world > 1:
            dist.all_reduce(sums)
        seen = float(sums[1])
        report = {"epoch": epoch + 1, "loss": float(sums[0]) / seen, "lr": lr, "samples_per_s": seen / max(elapsed, 1e-9) / world}
        report["metrics"] = {k: float(sums[2 + i]) / seen for i, k in enumerate(names)}
        if val_x is not None:
            report["val_loss"], val_metrics = evaluate(model, val_x, val_y, batch)
            report["metrics"].update({"val_" + k: v for k, v in val_metrics.items()})
        # Early stopping and reduce_on_plateau watch the validation loss, or the training loss without validation.
        watched = report.get("val_loss", report["loss"])
        if plateau:
            plateau.step(watched)
        if rank == 0:
            print(json.dumps(report) if args.json else " ".join(f"{k}={v}" for k, v in report.items()), flush=True)
        stop = False
        if PATIENCE is not None:
            if watched < best:
                best, best_state, bad = watched, copy.deepcopy(model.state_dict()), 0
            else:
                bad += 1
                stop = bad >= PATIENCE
        last = stop or epoch == args.epochs - 1
        if last and best_state is not None:
            model.load_state_dict(best_state)  # the best epoch's weights, as nn
        if rank == 0:
            save_weights(model, args.weights_out, metadata)
        if stop:
            break
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
