CREATE TABLE "execution_instances" (
	"owner" text PRIMARY KEY NOT NULL,
	"alive_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "job_executions_lease_owner_idx" ON "job_executions" USING btree ("lease_owner") WHERE status in ('PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'STOPPING');--> statement-breakpoint
CREATE INDEX "job_executions_queued_job_idx" ON "job_executions" USING btree ("job_id") WHERE "job_executions"."status" = 'QUEUED';