
-- Last piece: derived data is recomputed from the library with this version's functions, so an
-- upgraded database holds what a fresh install loaded with the same rows would (the pieces
-- above may change how vectors, the recommend pool, signatures or artist counts are made).
-- On a large library this is the upgrade's longest step (about as long as a full sync's
-- refresh); nothing else needs running afterwards.
SELECT listen_wiseer.refresh_vectors();
SELECT listen_wiseer.refresh_recommend_pool();
