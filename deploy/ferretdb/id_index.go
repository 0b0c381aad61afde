package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// FerretDB 1.24's SQLite backend builds each collection's _id index on `_ferretdb_sjson->"_id"` but its lookups by
// _id (find, update, delete) filter on `_ferretdb_sjson->'$._id'`. SQLite uses an expression index only for the very
// expression queried, so every lookup by _id read the whole table: a cost that grew with each collection. Until
// upstream indexes what it queries, this indexes that expression in every collection's table, new ones included.
const idPath = `_ferretdb_sjson->'$._id'`

func indexIDs(ctx context.Context, dataDir string, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		if err := indexOnce(dataDir); err != nil {
			log.Printf("indexing _id lookups: %v", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func indexOnce(dataDir string) error {
	files, err := filepath.Glob(filepath.Join(dataDir, "*.sqlite"))
	if err != nil {
		return err
	}
	for _, file := range files {
		if err := indexFile(file); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return nil
}

func indexFile(file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	// Tables of collections without the index yet; FerretDB's own metadata table is left alone.
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\_ferretdb\_%' ESCAPE '\'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = sqlite_master.name || '__id_path')`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, table+"__id_path", table, idPath)
		if _, err := db.Exec(q); err != nil {
			return err
		}
	}
	return nil
}
