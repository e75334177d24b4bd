// The full schema, for drizzle-kit and the typed client. Each file belongs to one module.
export * from './identity';
export * from './marketplace';
export * from './platform';
export * from './quality';
export * from './operations-customers';
export * from './companion';
export * from './companion-engagement';
export * from './operations-supply';
export * from './operations-alerts';
