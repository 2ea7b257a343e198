-- Fictional intervenants for `repere demo` (issue 17): invented names, and
-- addresses in the reserved example.org domain. Attached to demo places of
-- Aurillac and Lyon and to the first demo workshop.
INSERT INTO intervenant (status, email, name, kind, presentation, domains, formats, fees,
                         commune_insee, radius_km, remote, publics, languages, approvals,
                         approvals_other)
VALUES
 ('public', 'alix.demo@example.org', 'Alix Démo (intervenante fictive)', 'benevole',
  'Retraitée, ancienne formatrice. Ateliers sur les **arnaques en ligne** et les mots de passe.',
  'cybersecurite|internet', 'atelier|conference', 'benevole', '15014', 40, 0,
  'seniors|tout-public', 'fr|en', '', ''),
 ('public', 'asso.demo@example.org', 'Association Octets Libres (fictive)', 'association',
  'Installation de logiciels libres, réemploi de vieux ordinateurs.',
  'logiciels-libres|prise-en-main', 'atelier|permanence', 'devis', '69123', 30, 1,
  'tout-public|jeunes', 'fr|es', '', ''),
 ('public', 'sam.demo@example.org', 'Sam Exemple (formateur fictif)', 'independant',
  'Formation de médiateurs à l''accompagnement aux démarches en ligne.',
  'demarches|emploi', 'formation', 'payant', NULL, 0, 1,
  'professionnels', 'fr|ar', 'formateur-habilite|titre-cmn', 'Habilitation fictive de démonstration');
INSERT INTO intervenant_place (intervenant_id, place_id)
SELECT i.id, (SELECT p.id FROM place p WHERE p.commune_insee = '15014' ORDER BY p.id LIMIT 1)
  FROM intervenant i WHERE i.email = 'alix.demo@example.org'
   AND EXISTS (SELECT 1 FROM place p WHERE p.commune_insee = '15014');
INSERT INTO intervenant_workshop (intervenant_id, workshop_id)
SELECT i.id, (SELECT min(w.id) FROM workshop w)
  FROM intervenant i WHERE i.email = 'alix.demo@example.org' AND EXISTS (SELECT 1 FROM workshop);
