// Command ferretdb-embedded runs FerretDB 1.24 embedded as a library: SQLite storage by default, PostgreSQL storage
// with -postgresql-url.
// The upstream cmd/ferretdb binary panics when installed with `go install` (FerretDB#2982),
// so the project builds this small wrapper instead, against FerretDB with patches/ applied (deploy/local/install.py):
// lookups by _id answered from the _id index, `_id $in [...]` included.
package main

import (
	"context"
	"flag"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// redact hides a password in a connection URL before it is logged.
func redact(storage string) string {
	if u, err := url.Parse(storage); err == nil && u.User != nil {
		return u.Redacted()
	}
	return storage
}

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "", "existing directory for SQLite files (SQLite storage)")
	postgresqlURL := flag.String("postgresql-url", "",
		"PostgreSQL connection URL, e.g. postgres://user@127.0.0.1:5432/ferretdb; when set, PostgreSQL storage is used")
	flag.Parse()
	config := &ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: *listen}}
	storage := *postgresqlURL
	if *postgresqlURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresqlURL
	} else {
		if *dataDir == "" {
			log.Fatal("-data-dir is required (or -postgresql-url)")
		}
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			log.Fatal(err)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + *dataDir + "/"
		storage = *dataDir
	}
	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Printf("ferretdb listening on %s, %s storage: %s", *listen, config.Handler, redact(storage))
	f.Run(ctx)
	log.Print("ferretdb stopped")
}
