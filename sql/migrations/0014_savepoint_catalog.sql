CREATE TABLE "savepoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"execution_id" uuid NOT NULL,
	"job_version" integer NOT NULL,
	"path" text,
	"origin" text NOT NULL,
	"status" text NOT NULL,
	"trigger_id" text,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "savepoint_policy" jsonb;--> statement-breakpoint
ALTER TABLE "savepoints" ADD CONSTRAINT "savepoints_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "savepoints" ADD CONSTRAINT "savepoints_execution_id_job_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."job_executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "savepoints_job_idx" ON "savepoints" USING btree ("job_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "savepoints_pending_idx" ON "savepoints" USING btree ("execution_id") WHERE "savepoints"."status" = 'PENDING';--> statement-breakpoint
CREATE UNIQUE INDEX "savepoints_one_per_due_time" ON "savepoints" USING btree ("job_id","due_at") WHERE "savepoints"."due_at" is not null;