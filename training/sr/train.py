#!/usr/bin/env python3
"""Train Retouch's own compact super-resolution models and export them to ONNX.

  train.py --model retouch-fast-x4 --device cuda --minutes 20      # full run (fidelity, L1 on photos)
  train.py --model retouch-sharp-x4 --device cuda --minutes 20     # distilled from realesrgan-x4plus
  train.py --smoke                                                 # a CPU check for CI (< 1 min)
  train.py --prepare                                               # fetch and prepare the photos only

Runs are seeded: `--steps N` replays a run exactly (same batches, same schedule); `--minutes`
alone stops on the clock and follows a time-based schedule, and the log records the steps done.
Everything lands in training/sr/runs/NAME/: the ONNX file, model.pt, log.jsonl, summary.json.
See docs/own-sr-models.md.
"""
import argparse
import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import data  # noqa: E402
import export  # noqa: E402
import model as models  # noqa: E402
import teacher  # noqa: E402


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=sorted(models.PRESETS), default="retouch-fast-x4")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--minutes", type=float, default=20, help="training time limit (export and checks come after)")
    p.add_argument("--steps", type=int, help="exact step count (schedule by step); --minutes still caps it")
    p.add_argument("--batch", type=int, help="patches per step (default 16 on CPU, 64 on CUDA)")
    p.add_argument("--patch", type=int, help="low-resolution patch edge (default 40 on CPU, 64 on CUDA)")
    p.add_argument("--lr", type=float, default=1e-3, help="peak Adam learning rate (cosine decay; the skip moves 100x slower)")
    p.add_argument("--width", type=int, help="override the preset's channel width")
    p.add_argument("--depth", type=int, help="override the preset's body depth")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="CPU threads for torch")
    p.add_argument("--teacher", type=Path, help="realesrgan-x4plus.onnx (default: models/realesrgan/ under "
                                                "RETOUCH_MODELS_DIR or the repository)")
    p.add_argument("--teacher-patches", type=int, default=2048)
    p.add_argument("--teacher-threads", type=int, default=os.cpu_count())
    p.add_argument("--build-teacher-cache", action="store_true", help="only build the distillation cache")
    p.add_argument("--prepare", action="store_true", help="only fetch and prepare the photos")
    p.add_argument("--export-only", action="store_true", help="re-export --out's model.pt and check it")
    p.add_argument("--smoke", action="store_true", help="tiny CPU run: loss must go down, export must match")
    p.add_argument("--out", type=Path)
    return p.parse_args()


def teacher_path(args):
    if args.teacher:
        return args.teacher
    models_dir = Path(os.environ.get("RETOUCH_MODELS_DIR", data.ROOT / "models"))
    return models_dir / "realesrgan/realesrgan-x4plus.onnx"


def schedule(base, fraction):
    warm = 0.02
    if fraction < warm:
        return base * (0.1 + 0.9 * fraction / warm)
    return 1e-6 + (base - 1e-6) * 0.5 * (1 + math.cos(math.pi * min(1.0, (fraction - warm) / (1 - warm))))


def validation_set(scale):
    """Centre crops of the validation photos, bicubic-degraded (as bench/sr degrades)."""
    pairs = []
    for photo in data.load(sorted(data.VALIDATION)):
        h, w = photo.shape[:2]
        side = min(384, h, w) // scale * scale
        y, x = (h - side) // 2, (w - side) // 2
        hr = photo[y:y + side, x:x + side]
        lr = np.asarray(Image.fromarray(hr).resize((side // scale, side // scale), Image.BICUBIC))
        pairs.append((lr, hr))
    return pairs


def validate(net, pairs, scale, device):
    net.eval()
    scores, bicubic = [], []
    with torch.no_grad():
        for lr, hr in pairs:
            x = data.to_tensor_batch([lr]).to(device)
            sr = net(x).clamp(0, 1)[0].permute(1, 2, 0).cpu().numpy()
            scores.append(data.psnr_y(hr, np.rint(sr * 255), scale))
            up = np.asarray(Image.fromarray(lr).resize(hr.shape[1::-1], Image.BICUBIC))
            bicubic.append(data.psnr_y(hr, up, scale))
    net.train()
    return float(np.mean(scores)), float(np.mean(bicubic))


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_and_check(net, onnx_path, patch):
    ops = export.export(net, onnx_path)
    torch.manual_seed(0)
    samples = [torch.rand(1, 3, 37, 53), torch.rand(1, 3, patch, patch)]
    return ops, export.check_parity(net, onnx_path, samples)


def smoke(args):
    """A few steps on tiny crops, cycling four fixed batches: their loss must fall, and the
    exported ONNX model must match PyTorch. Uses the kphotoalbum photos only (one small package)."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    scale = models.PRESETS[args.model][0]
    if not data.photo_list():
        data.prepare(limit_sources=["kphotoalbum"])
    names = [n for n, _ in data.photo_list() if n not in data.VALIDATION][:6]
    net = models.build(args.model, width=8, depth=1)
    if args.model == "retouch-sharp-x4":
        folder = teacher.build_cache(teacher_path(args), data.load(names), 8, 8, args.seed,
                                     data.DATA / "teacher-smoke", threads=1)
        source = teacher.CachedPairs(folder, args.seed)
    else:
        source = data.PatchSampler(data.load(names), scale, 12, args.seed)
    batches = [source.batch(4) for _ in range(4)]
    net.fit_skip(batches[:2])

    def loss_on_batches():
        with torch.no_grad():
            return float(np.mean([F.l1_loss(net(x), y).item() for x, y in batches]))

    before = loss_on_batches()
    optimiser = torch.optim.Adam(net.parameters(), lr=3e-3)
    for step in range(60):
        x, y = batches[step % len(batches)]
        loss = F.l1_loss(net(x), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    after = loss_on_batches()
    out = args.out or data.DATA / "smoke"
    out.mkdir(parents=True, exist_ok=True)
    ops, diff = export_and_check(net, out / f"{args.model}-smoke.onnx", 12)
    if diff is None:
        raise SystemExit("smoke: onnxruntime is needed to check the export (pip install onnxruntime==1.31.1)")
    print(f"smoke {args.model}: L1 {before:.5f} -> {after:.5f}; ONNX ops {ops}; max |ONNX - PyTorch| {diff:.1e}")
    if not after < before:
        raise SystemExit("smoke: loss did not go down")


def train(args):
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda but torch sees no CUDA device")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cuda = device.type == "cuda"
    batch, patch = args.batch or (64 if cuda else 16), args.patch or (64 if cuda else 40)
    out = args.out or HERE / "runs" / args.model
    out.mkdir(parents=True, exist_ok=True)
    photos = data.photo_list()
    if not photos:
        photos = data.prepare()
    names = [n for n, _ in photos if n not in data.VALIDATION]
    scale = models.PRESETS[args.model][0]
    net = models.build(args.model, args.width, args.depth).to(device)
    distill = args.model == "retouch-sharp-x4"
    if distill:
        folder = teacher.build_cache(teacher_path(args), data.load(names), patch, args.teacher_patches, args.seed,
                                     data.DATA / "teacher", threads=args.teacher_threads)
        if args.build_teacher_cache:
            return
        source = teacher.CachedPairs(folder, args.seed)
    else:
        source = data.PatchSampler(data.load(names), scale, patch, args.seed)
    val = validation_set(scale)
    skip_batches = 64
    net.cpu().fit_skip(source.batch(batch) for _ in range(skip_batches))
    net.to(device)
    psnr, bicubic = validate(net, val, scale, device)
    print(f"least-squares skip on {skip_batches} batches: validation PSNR-Y {psnr:.2f} dB (bicubic {bicubic:.2f})", flush=True)
    # The least-squares skip is already optimal for a linear filter: full-rate Adam steps only
    # knock it off its optimum before the body has learnt anything, so it moves 100x slower.
    body, skip = list(net.body.parameters()), list(net.skip.parameters())
    optimiser = torch.optim.Adam([{"params": body, "scale": 1.0}, {"params": skip, "scale": 0.01}], lr=args.lr)
    limit = args.minutes * 60
    log = open(out / "log.jsonl", "w")
    log.write(json.dumps({"step": 0, "after": "least-squares skip", "val_psnr_y": psnr, "val_bicubic_psnr_y": bicubic}) + "\n")
    best = (psnr, 0)
    torch.save(net.state_dict(), out / "model.pt")
    start, step, last_val, running = time.time(), 0, time.time(), []
    val_every = 60 if not cuda else 30
    print(f"{args.model}: {models.parameter_count(net)} parameters, "
          f"{models.gmacs_per_output_megapixel(net):.2f} GMAC/output MP; {len(names)} training photos; "
          f"batch {batch} x {patch}px LR on {device}", flush=True)
    while True:
        elapsed = time.time() - start
        fraction = step / args.steps if args.steps else elapsed / limit
        if fraction >= 1 or elapsed >= limit:
            break
        for group in optimiser.param_groups:
            group["lr"] = schedule(args.lr, fraction) * group["scale"]
        x, y = source.batch(batch)
        loss = F.l1_loss(net(x.to(device)), y.to(device))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        running.append(loss.item())
        step += 1
        if time.time() - last_val >= val_every:
            last_val = time.time()
            psnr, bicubic = validate(net, val, scale, device)
            record = {"step": step, "seconds": round(time.time() - start, 1), "lr": optimiser.param_groups[0]["lr"],
                      "l1": float(np.mean(running)), "val_psnr_y": psnr, "val_bicubic_psnr_y": bicubic}
            running = []
            log.write(json.dumps(record) + "\n")
            log.flush()
            print(json.dumps(record), flush=True)
            if psnr > best[0]:
                best = (psnr, step)
                torch.save(net.state_dict(), out / "model.pt")
    psnr, bicubic = validate(net, val, scale, device)
    if psnr > best[0]:
        best = (psnr, step)
        torch.save(net.state_dict(), out / "model.pt")
    net.load_state_dict(torch.load(out / "model.pt"))
    summarise(args, net.cpu(), out, {"steps": step, "seconds": round(time.time() - start, 1), "batch": batch,
                                     "patch": patch, "best_step": best[1], "val_psnr_y": best[0],
                                     "val_bicubic_psnr_y": bicubic}, names)


def summarise(args, net, out, run, names):
    onnx_path = out / f"{args.model}.onnx"
    ops, diff = export_and_check(net, onnx_path, 48)
    scale, width, depth = models.PRESETS[args.model]
    summary = {
        "model": args.model, "scale": scale, "width": args.width or width, "depth": args.depth or depth,
        "parameters": models.parameter_count(net), "gmac_per_output_mp": models.gmacs_per_output_megapixel(net),
        "receptive_radius": net.receptive_radius, "device": args.device, "seed": args.seed, "lr": args.lr,
        "torch": torch.__version__, "onnx_opset": export.OPSET, "onnx_ops": ops, "onnx_max_abs_diff": diff,
        "onnx_sha256": sha256(onnx_path), "onnx_bytes": onnx_path.stat().st_size,
        "training_photos": [{"name": n, "sha256": s} for n, s in data.photo_list() if n in names],
        "validation_photos": sorted(data.VALIDATION), **run,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    print(f"exported {onnx_path} ({summary['onnx_bytes']} bytes, sha256 {summary['onnx_sha256']}); "
          f"ops {ops}; max |ONNX - PyTorch| {'unchecked (no onnxruntime)' if diff is None else f'{diff:.1e}'}; validation PSNR-Y {run.get('val_psnr_y', 0):.2f} dB "
          f"(bicubic {run.get('val_bicubic_psnr_y', 0):.2f})")


def main():
    args = parse()
    if args.prepare:
        rows = data.prepare()
        print(f"{len(rows)} training photos in {data.PHOTOS}")
    elif args.smoke:
        smoke(args)
    elif args.export_only:
        out = args.out or HERE / "runs" / args.model
        net = models.build(args.model, args.width, args.depth)
        net.load_state_dict(torch.load(out / "model.pt", map_location="cpu"))
        previous = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
        names = [p["name"] for p in previous.get("training_photos", [])]
        summarise(args, net, out, {k: v for k, v in previous.items() if k in
                                   {"steps", "seconds", "batch", "patch", "best_step", "val_psnr_y",
                                    "val_bicubic_psnr_y"}}, names)
    else:
        train(args)


if __name__ == "__main__":
    main()
