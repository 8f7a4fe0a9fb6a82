ALTER TABLE "job_executions" ADD COLUMN "queue" jsonb;--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "retry_of" uuid;--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "retry_policy" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "job_executions_one_retry_per_run" ON "job_executions" USING btree ("retry_of") WHERE "job_executions"."retry_of" is not null;--> statement-breakpoint
CREATE INDEX "job_executions_queued_idx" ON "job_executions" USING btree ("created_at") WHERE "job_executions"."status" = 'QUEUED';