-- Each live job's current definition becomes its current version's row. Who stored it comes from the audit row of
-- the create or replace that made that version, where the trail still has it. Earlier versions were never kept.
-- A deleted job gets none: deleting a job deletes its versions.
INSERT INTO "job_versions" ("job_id", "version", "definition", "created_at", "changed_by")
SELECT
  j."id",
  j."version",
  jsonb_build_object(
    'name', j."name",
    'description', j."description",
    'jarURL', j."jar_url",
    'entryClass', j."entry_class",
    'config', j."config",
    'args', j."args",
    'parallelism', j."parallelism",
    'flinkConfiguration', j."flink_configuration",
    'jarSha256', j."jar_sha256",
    'timeoutSeconds', j."timeout_seconds",
    'labels', j."labels",
    'retryPolicy', j."retry_policy",
    'restore', j."restore" -> 'strategy',
    'allowNonRestoredState', coalesce((j."restore" ->> 'allowNonRestoredState')::boolean, false),
    'claimMode', coalesce(j."restore" ->> 'claimMode', 'NO_CLAIM'),
    'savepointPolicy', j."savepoint_policy"
  ),
  j."updated_at",
  (
    SELECT a."actor" FROM "audit_events" a
    WHERE a."resource_id" = j."id"::text AND a."version_after" = j."version"
      AND a."action" IN ('job.create', 'job.replace') AND a."outcome" < 400
    ORDER BY a."at" DESC
    LIMIT 1
  )
FROM "jobs" j
WHERE j."deleted_at" IS NULL
ON CONFLICT DO NOTHING;
