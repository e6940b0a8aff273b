"""The pages a public service owes, linked from every page's footer: «Mentions légales»,
«Données personnelles», «Déclaration d'accessibilité», «Contact» and «Plan du site»."""
