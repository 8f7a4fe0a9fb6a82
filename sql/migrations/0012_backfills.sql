CREATE TABLE "backfills" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"from_at" timestamp with time zone NOT NULL,
	"to_at" timestamp with time zone NOT NULL,
	"reprocess" text NOT NULL,
	"max_active" integer NOT NULL,
	"ticks" jsonb NOT NULL,
	"tick_count" integer NOT NULL,
	"state" text NOT NULL,
	"requested_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "backfill_id" uuid;--> statement-breakpoint
ALTER TABLE "backfills" ADD CONSTRAINT "backfills_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backfills_running_idx" ON "backfills" USING btree ("created_at") WHERE "backfills"."state" = 'running';--> statement-breakpoint
CREATE INDEX "backfills_job_idx" ON "backfills" USING btree ("job_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "job_executions_one_per_backfill_tick" ON "job_executions" USING btree ("backfill_id","scheduled_for") WHERE "job_executions"."trigger" = 'backfill';--> statement-breakpoint
CREATE INDEX "job_executions_backfill_status_idx" ON "job_executions" USING btree ("backfill_id","status") WHERE "job_executions"."backfill_id" is not null;