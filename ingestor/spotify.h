/*
 * spotify.h - the Spotify Web API client as a whole: JSON -> records (spotify_parse.h) and the
 * endpoint walkers (spotify_walk.h). Include the one you need; this header is for code that uses
 * both.
 */
#ifndef LW_SPOTIFY_H
#define LW_SPOTIFY_H

#include "spotify_parse.h"
#include "spotify_walk.h"

#endif							/* LW_SPOTIFY_H */
