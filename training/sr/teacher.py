"""Distillation targets: realesrgan-x4plus (the project's converted ONNX model) run on degraded
low-resolution patches with onnxruntime, cached to disk in shards so the costly teacher runs
once and a GPU run can carry the cache. x4plus costs about 40 CPU-seconds per output megapixel,
so a 48x48 patch takes 1-2 s on one core: build the cache on a many-core machine or ahead of time.
"""
import time
from pathlib import Path

import numpy as np

from data import PatchSampler

PAD = 10  # realesrgan-ncnn reflect-pads by 10; the catalog does the same
SHARD = 64


def cache_dir(root, seed, lr_patch, count):
    return Path(root) / f"x4plus-seed{seed}-p{lr_patch}-n{count}"


def build_cache(teacher_path, photos, lr_patch, count, seed, root, threads=1, log=print):
    """Writes shard_*.npz (lr uint8 [n,p,p,3], target uint8 [n,4p,4p,3]); resumes where it stopped."""
    import onnxruntime as ort

    folder = cache_dir(root, seed, lr_patch, count)
    folder.mkdir(parents=True, exist_ok=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(teacher_path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    # The teacher sees the same degradations as fidelity training, so the student learns to
    # clean up JPEG and noise the way x4plus does.
    sampler = PatchSampler(photos, 4, lr_patch, seed)
    start = time.time()
    for first in range(0, count, SHARD):
        n = min(SHARD, count - first)
        lrs = [sampler.degrade(sampler.crop()) for _ in range(n)]  # drawn even when cached: keeps the stream seeded
        path = folder / f"shard_{first // SHARD:04d}.npz"
        if path.exists():
            continue
        targets = [run_teacher(session, name, lr) for lr in lrs]
        np.savez_compressed(path, lr=np.stack(lrs), target=np.stack(targets))
        log(f"teacher: {first + n}/{count} patches, {time.time() - start:.0f} s")
    return folder


def run_teacher(session, name, lr):
    padded = np.pad(lr, ((PAD, PAD), (PAD, PAD), (0, 0)), mode="reflect")
    x = (padded.astype(np.float32) / 255).transpose(2, 0, 1)[None]
    y = session.run(None, {name: x})[0][0, :, 4 * PAD:-4 * PAD, 4 * PAD:-4 * PAD]
    return np.clip(np.rint(y.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)


class CachedPairs:
    """Random (LR, teacher) pairs from the cache with matching flips and quarter turns."""

    def __init__(self, folder, seed):
        shards = [np.load(p) for p in sorted(Path(folder).glob("shard_*.npz"))]
        if not shards:
            raise SystemExit(f"no teacher cache in {folder}: run train.py --model retouch-sharp-x4 --build-teacher-cache")
        self.lr = np.concatenate([s["lr"] for s in shards])
        self.target = np.concatenate([s["target"] for s in shards])
        self.rng = np.random.default_rng(seed)

    def batch(self, size):
        from data import to_tensor_batch
        lrs, hrs = [], []
        for i in self.rng.integers(0, len(self.lr), size):
            flip, turns = self.rng.random() < 0.5, int(self.rng.integers(0, 4))
            pair = [self.lr[i], self.target[i]]
            pair = [np.ascontiguousarray(np.rot90(p[:, ::-1] if flip else p, turns)) for p in pair]
            lrs.append(pair[0])
            hrs.append(pair[1])
        return to_tensor_batch(lrs), to_tensor_batch(hrs)
