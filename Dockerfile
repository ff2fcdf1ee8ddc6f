# evmgpu service image: Debian bookworm + Node 20 + Mesa lavapipe from bookworm-backports,
# so the WebGPU path runs even without a GPU. On a GPU host, mount the NVIDIA Vulkan ICD
# (nvidia_icd.json) and libvulkan finds the real device instead.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
# bench/ (compiled with src/ by `npm run build`) imports test helpers.
COPY test ./test
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY scripts/setup-system.sh ./scripts/
RUN bash scripts/setup-system.sh && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# WGSL the GPU engines read at run time (found beside package.json).
COPY kernels ./kernels
COPY shaders ./shaders
ENV NODE_ENV=production XDG_RUNTIME_DIR=/tmp/evmgpu-xdg EVMGPU_HOST=0.0.0.0
RUN mkdir -p /tmp/evmgpu-xdg && chmod 700 /tmp/evmgpu-xdg
EXPOSE 8080
USER node
CMD ["node", "--max-semi-space-size=64", "dist/src/cli/main.js", "serve"]
