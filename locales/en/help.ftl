# English help is the clap definitions in src/cli/ (also the source of the man pages and
# shell completions): nothing here. The Indonesian texts are in id/help.ftl.
