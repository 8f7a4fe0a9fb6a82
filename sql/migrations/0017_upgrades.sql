CREATE TABLE "upgrades" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"state" text NOT NULL,
	"from_version" integer NOT NULL,
	"to_version" integer NOT NULL,
	"old_execution_id" uuid NOT NULL,
	"new_execution_id" uuid,
	"rollback_execution_id" uuid,
	"restored_from" jsonb,
	"rolled_back" boolean DEFAULT false NOT NULL,
	"error" jsonb,
	"requested_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_executions" ADD COLUMN "upgrade_of" uuid;--> statement-breakpoint
ALTER TABLE "upgrades" ADD CONSTRAINT "upgrades_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "upgrades_one_in_progress_per_job" ON "upgrades" USING btree ("job_id") WHERE state in ('STOPPING', 'STARTING', 'ROLLING_BACK');--> statement-breakpoint
CREATE INDEX "upgrades_in_progress_idx" ON "upgrades" USING btree ("updated_at") WHERE state in ('STOPPING', 'STARTING', 'ROLLING_BACK');--> statement-breakpoint
CREATE INDEX "upgrades_job_idx" ON "upgrades" USING btree ("job_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);