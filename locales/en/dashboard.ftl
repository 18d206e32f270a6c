# dashboard texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.
