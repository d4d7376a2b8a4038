"""The compact pixel-shuffle network: SRVGG/ESPCN family, only Conv, PRelu, Add and DepthToSpace.

A learned 7x7 "skip" convolution maps the input straight to the scale*scale sub-pixel phases.
It starts as bicubic interpolation and is then fitted in closed form (least squares on training
pairs, `fit_skip`): the best linear upscaler for the degradations, found in seconds. The body
then only learns the non-linear residual. That matters on a CPU budget: gradient steps go to
what no linear filter can do, instead of first learning to copy colours.
"""

import torch
import torch.nn.functional as F
from torch import nn

# name -> (scale, width, depth): depth counts the width x width body convolutions.
PRESETS = {
    "retouch-fast-x4": (4, 32, 4),
    "retouch-fast-x2": (2, 32, 4),
    "retouch-sharp-x4": (4, 48, 6),
}


def cubic(t, a=-0.5):
    """Keys' cubic convolution kernel (a = -0.5, as in Pillow's BICUBIC)."""
    t = abs(t)
    if t <= 1:
        return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1
    if t < 2:
        return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a
    return 0.0


def bicubic_phases(scale, radius=2):
    """Per-phase 1-D weights: output pixel scale*k + p samples the input at k + (p + 0.5)/scale - 0.5."""
    phases = []
    for p in range(scale):
        d = (p + 0.5) / scale - 0.5
        w = [cubic(j - d) for j in range(-radius, radius + 1)]
        total = sum(w)
        phases.append([v / total for v in w])
    return torch.tensor(phases, dtype=torch.float32)


class CompactSR(nn.Module):
    def __init__(self, scale, width, depth, skip_radius=3):
        super().__init__()
        self.scale = scale
        layers = [nn.Conv2d(3, width, 3, padding=1), nn.PReLU(width)]
        for _ in range(depth):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.PReLU(width)]
        layers.append(nn.Conv2d(width, 3 * scale * scale, 3, padding=1))
        self.body = nn.Sequential(*layers)
        self.skip = nn.Conv2d(3, 3 * scale * scale, 2 * skip_radius + 1, padding=skip_radius)
        self.shuffle = nn.PixelShuffle(scale)
        self._init_weights(skip_radius)

    def _init_weights(self, radius):
        with torch.no_grad():
            # A zero tail makes the starting output exactly the skip's; Adam's first step moves
            # the tail, after which the body's gradients flow.
            self.body[-1].weight.zero_()
            self.body[-1].bias.zero_()
            s = self.scale
            w1 = bicubic_phases(s, radius)
            self.skip.weight.zero_()
            self.skip.bias.zero_()
            for c in range(3):
                for py in range(s):
                    for px in range(s):
                        # PixelShuffle reads channel c*s*s + py*s + px for sub-pixel (py, px).
                        self.skip.weight[c * s * s + py * s + px, c] = torch.outer(w1[py], w1[px])

    @torch.no_grad()
    def fit_skip(self, pairs, ridge=1e-3):
        """Least-squares skip: one k x k filter per sub-pixel phase, shared by R, G and B,
        fitted on (LR, HR) batches; positions whose window reaches the zero padding are left out."""
        s, k = self.scale, self.skip.kernel_size[0]
        r = k // 2
        gram, cross = torch.zeros(k * k + 1, k * k + 1, dtype=torch.float64), torch.zeros(k * k + 1, s * s, dtype=torch.float64)
        for lr, hr in pairs:
            b, _, h, w = lr.shape
            windows = F.unfold(lr.reshape(b * 3, 1, h, w), k)  # [b*3, k*k, (h-2r)*(w-2r)], interior only
            a = windows.permute(0, 2, 1).reshape(-1, k * k).double()
            a = torch.cat([a, torch.ones(len(a), 1, dtype=torch.float64)], 1)
            t = F.pixel_unshuffle(hr, s).reshape(b * 3, s * s, h, w)[:, :, r:h - r, r:w - r]
            t = t.reshape(b * 3, s * s, -1).permute(0, 2, 1).reshape(-1, s * s).double()
            gram += a.T @ a
            cross += a.T @ t
        solution = torch.linalg.solve(gram + ridge * torch.eye(k * k + 1, dtype=torch.float64), cross).float()
        self.skip.weight.zero_()
        for c in range(3):
            for phase in range(s * s):
                self.skip.weight[c * s * s + phase, c] = solution[:k * k, phase].reshape(k, k)
                self.skip.bias[c * s * s + phase] = solution[k * k, phase]

    def forward(self, x):
        return self.shuffle(self.body(x) + self.skip(x))

    @property
    def receptive_radius(self):
        """Input pixels each output depends on, either side (the body's 3x3 convolutions)."""
        convs = sum(1 for m in self.body if isinstance(m, nn.Conv2d))
        return max(convs, self.skip.kernel_size[0] // 2)


def build(name, width=None, depth=None):
    scale, w, d = PRESETS[name]
    return CompactSR(scale, width or w, depth or d)


def macs_per_input_pixel(model):
    total = 0
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            total += m.in_channels * m.out_channels * m.kernel_size[0] * m.kernel_size[1]
    return total


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def gmacs_per_output_megapixel(model):
    return macs_per_input_pixel(model) * 1e6 / model.scale ** 2 / 1e9


if __name__ == "__main__":
    for name in PRESETS:
        m = build(name)
        print(f"{name}: {parameter_count(m)} parameters, {gmacs_per_output_megapixel(m):.1f} GMAC per output MP, "
              f"receptive radius {m.receptive_radius}")
