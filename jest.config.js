// Jest runs TypeScript through SWC (no type checking here: `npm test` runs `tsc --noEmit` first).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  // content-disposition (@fastify/static, under @fastify/swagger-ui) and cookie (light-my-request, fastify.inject) ship ES modules only: compile them too.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 120_000,
  // Temporal tests each start a JVM test server or a worker; two at a time fit this 2-core machine.
  maxWorkers: 2,
};
