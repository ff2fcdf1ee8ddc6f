#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the built CLI (npm run build writes dist/).
import '../dist/src/cli/main.js';
