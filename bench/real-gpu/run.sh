#!/bin/bash
# Runs on the GPU machine, in the repository root, after pack.sh's .real-gpu/ was copied
# there. Unpacks, checks the adapter, then runs the checks named in CHECKS (default: all),
# each capped in seconds so that whatever ran is reported:
#   cross    bench/real-gpu/cross-check.ts: auto cold and warm, cpu, EDR checked against auto
#   state    statetest --engine gpu on the Cancun and Prague fixtures
#   blocks   blocktest --engine gpu on the mainnet blocks
#   suite    npm run bench on SUITE_WL at SUITE_TXS (reference, auto, edr)
# Logs go to $OUT (default /tmp/real-gpu).
OUT=${OUT:-/tmp/real-gpu}; mkdir -p "$OUT"
exec > >(tee -a "$OUT/run.log") 2>&1
t0=$(date +%s); step() { echo "[+$(( $(date +%s) - t0 ))s] $*"; }
# NO_LOADER=1 keeps the system loader (a machine that has one, or a local try of this script).
[ -n "${NO_LOADER:-}" ] || { for f in .real-gpu/gl/*.deb; do dpkg -x "$f" /; done; ldconfig; }
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f $icd ] && export VK_DRIVER_FILES=$icd
mkdir -p /tmp/real-gpu-node && xz -dc .real-gpu/node.xz > /tmp/real-gpu-node/node && chmod +x /tmp/real-gpu-node/node
tar -xJf .real-gpu/nm.tar.xz && mkdir -p /tmp/real-gpu-fx && tar -xJf .real-gpu/fx.tar.xz -C /tmp/real-gpu-fx
cp -r bench/assets bench/contracts dist/bench/
export PATH=/tmp/real-gpu-node:$PATH EVMGPU_FIXTURES=/tmp/real-gpu-fx/fixtures
# Dawn warns twice per device about dynamic-offset limits it lowers; nothing to act on.
quiet() { grep -v '^Warning: maxDynamic'; }
nproc; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null
node -e "import('webgpu').then(async (m) => { const a = await m.create([]).requestAdapter({ powerPreference: 'high-performance' });
  if (!a) { console.log('no adapter'); process.exit(3); } const i = a.info; console.log('adapter:', i.vendor, i.device, i.description); process.exit(0); })" 2>&1 | quiet; [ "${PIPESTATUS[0]}" = 0 ] || exit 3
for check in ${CHECKS:-cross state blocks suite}; do
  step "$check"
  case $check in
    cross) timeout ${CROSS_CAP:-300} node dist/bench/real-gpu/cross-check.js ${CROSS_ARGS:-} 2>&1 | quiet ;;
    state) for fork in Cancun Prague; do
        timeout ${STATE_CAP:-90} node dist/src/cli/main.js statetest "$EVMGPU_FIXTURES/state-tests/${fork,,}" --fork $fork --engine gpu 2>&1 | quiet | tail -4; done ;;
    blocks) timeout ${BLOCKS_CAP:-120} node dist/src/cli/main.js blocktest "$EVMGPU_FIXTURES/mainnet-blocks" --engine gpu 2>&1 | quiet | tail -50 ;;
    suite) timeout ${SUITE_CAP:-400} node dist/bench/suite/main.js --workload ${SUITE_WL:-erc20-transfer,uniswap-swap} --txs ${SUITE_TXS:-10000} \
        --engines reference,auto,edr --repeat 1 --report "$OUT/suite" 2>&1 | quiet | tail -20 ;;
  esac
done
step done
