/** Dependency tokens for the composition root; nothing outside infrastructure/ knows them. */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Database: Symbol('Database'),
  JobDefinitions: Symbol('JobDefinitions'),
  JobExecutions: Symbol('JobExecutions'),
  JobSchedules: Symbol('JobSchedules'),
  ScheduleChanges: Symbol('ScheduleChanges'),
  ServiceHealth: Symbol('ServiceHealth'),
  ApiKeys: Symbol('ApiKeys'),
  AuditLog: Symbol('AuditLog'),
  EventFeed: Symbol('EventFeed'),
  EventStream: Symbol('EventStream'),
  ExecutionWorker: Symbol('ExecutionWorker'),
  SchedulerLoop: Symbol('SchedulerLoop'),
  HttpApp: Symbol('HttpApp'),
} as const;
