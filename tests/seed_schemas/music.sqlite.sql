-- The music-generation service's schema as its SQLAlchemy models create it on
-- SQLite (metadata.create_all): VARCHAR uuid ids, DATETIME naive UTC text,
-- metadata as JSON text, an INTEGER autoincrement prompt id. A test fixture:
-- the database that sqlstore.adopt takes over.
CREATE TABLE generations (
	id VARCHAR(36) NOT NULL,
	prompt TEXT NOT NULL,
	model_name VARCHAR(100) NOT NULL,
	model_version VARCHAR(50),
	duration_seconds FLOAT NOT NULL,
	sample_rate INTEGER NOT NULL,
	channels INTEGER NOT NULL,
	file_path VARCHAR(500) NOT NULL,
	file_size_bytes INTEGER,
	status VARCHAR(20) NOT NULL,
	created_at DATETIME NOT NULL,
	completed_at DATETIME,
	generation_time_seconds FLOAT,
	error_message TEXT,
	metadata TEXT,
	PRIMARY KEY (id)
);
CREATE INDEX ix_generations_status ON generations (status);
CREATE INDEX ix_generations_created_at ON generations (created_at DESC);
CREATE INDEX ix_generations_model_name ON generations (model_name);
CREATE INDEX ix_generations_completed_at ON generations (completed_at);
CREATE TABLE prompts (
	id INTEGER NOT NULL,
	text TEXT NOT NULL,
	used_count INTEGER NOT NULL,
	first_used_at DATETIME NOT NULL,
	last_used_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (text)
);
