/**
 * Imported first by the test files here that reuse test/gpu's differential suites: the
 * harness (test/gpu/interpreter-harness.ts) then runs every case through compiled
 * programs and fails any call that did not run compiled.
 */
process.env.EVMGPU_TEST_KERNEL = 'compiled';
