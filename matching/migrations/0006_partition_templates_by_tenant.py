"""Templates partitioned by tenant (LIST on tenant_id): every row moves into the shared default partition.

A tenant above matching.partitions.PROMOTE_AT templates is then moved to its own partition with its own HNSW
index by `manage.py partition_tenants` (and the hourly beat check); the shared partition has no HNSW index and
is searched exactly. Keys of a partitioned table include the partition key: the primary key becomes
(tenant_id, id), the one-template-per-enrolment key (tenant_id, enrollment_id), and the subject key
(tenant_id, subject_id) -> consent_subject (tenant_id, id). No key points at this table.
"""

from django.db import migrations

PARTITION = """
ALTER TABLE matching_facetemplate RENAME TO matching_facetemplate_unpartitioned;
CREATE TABLE matching_facetemplate (LIKE matching_facetemplate_unpartitioned INCLUDING DEFAULTS)
    PARTITION BY LIST (tenant_id);
CREATE TABLE matching_facetemplate_shared PARTITION OF matching_facetemplate DEFAULT;
INSERT INTO matching_facetemplate SELECT * FROM matching_facetemplate_unpartitioned;
DROP TABLE matching_facetemplate_unpartitioned;
ALTER TABLE matching_facetemplate
    ADD CONSTRAINT matching_facetemplate_pkey PRIMARY KEY (tenant_id, id),
    ADD CONSTRAINT matching_facetemplate_enrollment_key UNIQUE (tenant_id, enrollment_id),
    ADD CONSTRAINT matching_facetemplate_tenant_fk FOREIGN KEY (tenant_id)
        REFERENCES consent_tenant (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT matching_facetemplate_subject_fk FOREIGN KEY (tenant_id, subject_id)
        REFERENCES consent_subject (tenant_id, id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT matching_facetemplate_enrollment_fk FOREIGN KEY (enrollment_id)
        REFERENCES matching_enrollment (id) DEFERRABLE INITIALLY DEFERRED;
-- Lookups by id, subject or enrolment alone (updates, erasure, SET NULL) probe every partition's index.
CREATE INDEX matching_facetemplate_id ON matching_facetemplate (id);
CREATE INDEX matching_facetemplate_subject_id_4e57b15d ON matching_facetemplate (subject_id);
CREATE INDEX matching_facetemplate_enrollment_id ON matching_facetemplate (enrollment_id);
CREATE INDEX matching_fa_tenant__baadaa_idx ON matching_facetemplate (tenant_id, model_name);
"""

# Back to one plain table (every partition's rows), with the keys and indexes of 0001.
UNPARTITION = """
ALTER TABLE matching_facetemplate RENAME TO matching_facetemplate_partitioned;
CREATE TABLE matching_facetemplate (LIKE matching_facetemplate_partitioned INCLUDING DEFAULTS);
INSERT INTO matching_facetemplate SELECT * FROM matching_facetemplate_partitioned;
DROP TABLE matching_facetemplate_partitioned;
ALTER TABLE matching_facetemplate
    ADD CONSTRAINT matching_facetemplate_pkey PRIMARY KEY (id),
    ADD CONSTRAINT matching_facetemplate_enrollment_id_key UNIQUE (enrollment_id),
    ADD CONSTRAINT matching_facetemplate_tenant_id_43325e4e_fk_consent_tenant_id FOREIGN KEY (tenant_id)
        REFERENCES consent_tenant (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT matching_facetemplate_subject_id_4e57b15d_fk_consent_subject_id FOREIGN KEY (subject_id)
        REFERENCES consent_subject (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT matching_facetemplat_enrollment_id_bc44d114_fk_matching_ FOREIGN KEY (enrollment_id)
        REFERENCES matching_enrollment (id) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX matching_facetemplate_subject_id_4e57b15d ON matching_facetemplate (subject_id);
CREATE INDEX matching_facetemplate_tenant_id_43325e4e ON matching_facetemplate (tenant_id);
CREATE INDEX matching_fa_tenant__baadaa_idx ON matching_facetemplate (tenant_id, model_name);
CREATE INDEX facetemplate_embedding_hnsw ON matching_facetemplate
    USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_match_face_box_and_possible_duplicates"),
        ("consent", "0005_consent_tenant_joins"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(PARTITION, reverse_sql=UNPARTITION)],
            # The HNSW indexes are per promoted partition (matching.partitions), not the model's.
            state_operations=[migrations.RemoveIndex(model_name="facetemplate", name="facetemplate_embedding_hnsw")],
        ),
    ]
