CREATE TABLE "flink_jar_uploads" (
	"cluster_address" text NOT NULL,
	"jar_id" text NOT NULL,
	"sha256" text NOT NULL,
	"job_id" uuid NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "flink_jar_uploads_cluster_address_jar_id_pk" PRIMARY KEY("cluster_address","jar_id")
);
--> statement-breakpoint
CREATE TABLE "job_executions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"exclusive" boolean DEFAULT true NOT NULL,
	"flink_job_id" text NOT NULL,
	"flink_jar_id" text,
	"savepoint_path" text,
	"restored_from" jsonb,
	"error" jsonb,
	"stop_request" jsonb,
	"history" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"revision" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "job_executions" ADD CONSTRAINT "job_executions_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flink_jar_uploads_content_idx" ON "flink_jar_uploads" USING btree ("sha256","cluster_address");--> statement-breakpoint
CREATE UNIQUE INDEX "job_executions_one_active_per_job" ON "job_executions" USING btree ("job_id") WHERE "job_executions"."exclusive" and status in ('PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'STOPPING');--> statement-breakpoint
CREATE INDEX "job_executions_job_newest_idx" ON "job_executions" USING btree ("job_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "job_executions_active_idx" ON "job_executions" USING btree ("created_at") WHERE status in ('PENDING', 'DOWNLOADING', 'UPLOADING', 'SUBMITTING', 'RUNNING', 'STOPPING');