/** Dependency tokens for the composition root; nothing outside infrastructure/ knows them. */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Database: Symbol('Database'),
  Clock: Symbol('Clock'),
  IdGenerator: Symbol('IdGenerator'),
  JobRepository: Symbol('JobRepository'),
  DatabaseStatus: Symbol('DatabaseStatus'),
  JobDefinitions: Symbol('JobDefinitions'),
  ServiceHealth: Symbol('ServiceHealth'),
  HttpApp: Symbol('HttpApp'),
} as const;
