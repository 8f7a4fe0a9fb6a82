/** The ids the OpenAPI examples share, so that a job's example names the same run its execution example shows. */
export const EXAMPLE_IDS = {
  job: '3f1c7a9e-5a3b-4f7e-9d2c-1b2a3c4d5e6f',
  execution: '8c752f91-3001-4912-952a-262aacea6668',
  event: '5b0d3c1e-4f7a-4e0b-9a51-7d2f6c8e9a10',
  webhook: 'd2a4f6b8-1c3e-4a5b-8d7f-9e0a1b2c3d4e',
  delivery: '6e8f0a2b-4c6d-4e8f-a1b3-c5d7e9f1a3b5',
  audit: '0f9e8d7c-6b5a-4f3e-b2d1-c0b9a8f7e6d5',
} as const;
