// The full schema, for drizzle-kit and the typed client. Each file belongs to one module.
export * from './identity';
export * from './marketplace';
export * from './platform';
export * from './quality';
export * from './companion';
export * from './companion-engagement';
