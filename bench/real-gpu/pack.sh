#!/bin/bash
# Packs what a machine with a real GPU but no network needs to run evmgpu's GPU checks:
# this machine's node binary, the built dist/, the runtime node_modules (Linux x64 only,
# no compilers or test tools), the shared fixtures and the Vulkan loader's Debian packages.
# Output: .real-gpu/ in the repository root (git-ignored), about 56 MB; see README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.real-gpu; mkdir -p "$out/gl"
fixtures=${EVMGPU_FIXTURES:-../shared/fixtures}
[ -d dist/bench/real-gpu ] || npm run build
xz -T0 -9 -c "$(command -v node)" > "$out/node.xz"
# solc is only used by the compute workload, which these checks do not run: a stub that
# throws keeps the import working without its 9 MB.
stub=$(mktemp -d); mkdir "$stub/solc"
echo '{"name":"solc","version":"0.0.0-stub","main":"index.js"}' > "$stub/solc/package.json"
echo "module.exports={compile(){throw new Error('solc is not packed')},version(){return 'stub'}};" > "$stub/solc/index.js"
drop=(typescript @rolldown rolldown vite vitest @vitest 'lightningcss*' viem ox solc @esbuild esbuild tsx
  'webgpu/dist/darwin-*' 'webgpu/dist/linux-arm64' 'webgpu/dist/win32-*'
  '@lmdb/lmdb-linux-x64/node.napi.musl.node' '@lmdb/lmdb-linux-x64/node.abi127.glibc.node'
  lmdb/dependencies bintrees/test micro-eth-signer/src @fastify/swagger-ui/static)
excludes=(--exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='dist/test' --exclude='node_modules/*/src/*.ts')
for d in "${drop[@]}"; do excludes+=(--exclude="node_modules/$d"); done
tar -cf - "${excludes[@]}" node_modules dist -C "$stub" --transform 's,^solc,node_modules/solc,' solc | xz -T0 -9e > "$out/nm.tar.xz"
tar -cf - -C "$(dirname "$fixtures")" "$(basename "$fixtures")" --transform "s,^$(basename "$fixtures"),fixtures," | xz -T0 -9e > "$out/fx.tar.xz"
rm -rf "$stub"
# The loader and glvnd: NVIDIA's Vulkan driver is found through them (amd64 packages).
lists=$(mktemp -d); mkdir -p "$lists/partial"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$lists")
apt-get "${o[@]}" update >/dev/null
(cd "$out/gl" && apt-get "${o[@]}" download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 2>&1 | grep -v '^W:' || true)
rm -rf "$lists"
du -sh "$out"/*
