/*
 * commands.h - the commands main.c dispatches to that are implemented by the sync layer
 * (sync.c, csv_import.c, catalog_import.c). Each returns an exit code from exitcodes.h and writes its own messages
 * through log.h. cfg has been validated by lw_config_finish().
 */
#ifndef LW_COMMANDS_H
#define LW_COMMANDS_H

#include "config.h"

/* lw-ingest sync: load the user's playlists, liked songs, artists and audio features. */
int			lw_cmd_sync(const lw_config *cfg);

/*
 * lw-ingest import-features FILE [--source TEXT]: load audio features from a CSV.
 * source_detail may be NULL (then the file name is used as the source detail).
 */
int			lw_cmd_import_features(const lw_config *cfg, const char *csv_path,
								   const char *source_detail);

/*
 * lw-ingest publish RULE | --all: write recommend() answers to the user's Spotify playlists
 * (publish.c). rule_name is NULL with cfg->publish_all.
 */
int			lw_cmd_publish(const lw_config *cfg, const char *rule_name);

/*
 * lw-ingest import-catalog FILE [--format F] [--artists FILE]: load a public track catalog
 * (catalog_import.c). format_name and artists_path may be NULL (auto; no artists file).
 */
int			lw_cmd_import_catalog(const lw_config *cfg, const char *csv_path,
								  const char *format_name, const char *artists_path);

#endif							/* LW_COMMANDS_H */
