# privacy texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.
