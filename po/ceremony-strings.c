/* The texts of the built-in ceremony scripts, for xgettext only (never
 * compiled): made by tests/tools/script-strings from ceremony/NAME.ceremony
 * with 'make update-ceremony-strings'; do not edit. */
static const char *const ceremony_strings[] = {
	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony, title */
	N_("Azure RMS tenant key: bring your own key"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony, description */
	N_("Generates the tenant key in this security world and hands it to "
	    "Azure Rights Management: over the internet as a transfer "
	    "package under the service's Key Exchange Key, or in person by "
	    "moving it into the service's security world with both worlds' "
	    "cards, after which it is locked there."),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony, role admin, title */
	N_("Ceremony administrator (tenant administrator)"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   role custodian, title;
	   ceremony/byok-azure.ceremony, role custodian, title;
	   ceremony/change-pin.ceremony, role custodian, title;
	   ceremony/create-world.ceremony, role custodian, title;
	   ceremony/key-recover.ceremony, role custodian, title;
	   ceremony/package-key.ceremony, role custodian, title;
	   ceremony/reduce-acl.ceremony, role custodian, title;
	   ceremony/replace-cards.ceremony,
	   role custodian, title */
	N_("Card custodian"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony, role witness, title;
	   ceremony/breach-response.ceremony,
	   role witness, title;
	   ceremony/byok-azure.ceremony, role witness, title;
	   ceremony/change-pin.ceremony, role witness, title;
	   ceremony/create-world.ceremony, role witness, title;
	   ceremony/generate-key.ceremony, role witness, title;
	   ceremony/key-backup.ceremony, role witness, title;
	   ceremony/key-recover.ceremony, role witness, title;
	   ceremony/migrate-key.ceremony, role witness, title;
	   ceremony/package-key.ceremony, role witness, title;
	   ceremony/reduce-acl.ceremony, role witness, title;
	   ceremony/rekey.ceremony, role witness, title;
	   ceremony/replace-cards.ceremony, role witness, title;
	   ceremony/transfer-world.ceremony, role witness, title */
	N_("Witness"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter ident, prompt */
	N_("Tenant key ident"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter method, prompt;
	   answers typed as they are:
	   internet, in-person */
	N_("How the key goes to the service"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter method, help;
	   answers typed as they are:
	   internet, in-person */
	N_("internet: a transfer package under the service's KEK. in-person: "
	    "at the service's site, into its security world."),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter kek, prompt */
	N_("internet: the service's KEK file"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter chain, prompt */
	N_("internet: the KEK's certificate chain (PEM)"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter root, prompt */
	N_("internet: the pinned root fingerprint"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter kek_id, prompt */
	N_("internet: the KEK's key identifier"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter to_world, prompt */
	N_("in person: the service's KMDATA"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   parameter to_drawer, prompt */
	N_("in person: where the service's cards go in"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step prerequisites (checklist), item 1 */
	N_("The Azure RMS subscription supports BYOK"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step prerequisites (checklist), item 2;
	   ceremony/byok-azure.ceremony,
	   step room (checklist), item 1;
	   ceremony/create-world.ceremony,
	   step room (checklist), item 1 */
	N_("The workstation is disconnected from every network"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step prerequisites (checklist), item 3;
	   ceremony/byok-azure.ceremony,
	   step room (checklist), item 3 */
	N_("A quorum of card custodians is present"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step generate (action), title */
	N_("Generate the tenant key (RSA 2048)"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step verify-kek (action), title */
	N_("Validate the service's KEK"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step reduce (action), title */
	N_("A copy of the key with reduced permissions (quorum)"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step package (action), title */
	N_("Encrypt the key under the service's KEK"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step upload (instruction), text;
	   keep every ${...} as it is */
	N_("Copy ${package.package} (SHA-256 ${package.sha256}) to the "
	    "connected workstation and upload it to Azure RMS."),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step drill-world (action), title */
	N_("Drill: the service's world (cards' PINs 4444, 5555, 6666)"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step transfer (action), title */
	N_("Move the key into the service's world (both quorums)"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step closing (checklist), item 1 */
	N_("The key in the service's world has lost recover and change-acl"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step closing (checklist), item 2 */
	N_("The service will factory-reset its HSM and wipe the workstation"),

	/* TRANSLATORS: ceremony/azure-rms-byok.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw tenant key ${ident} handed to Azure RMS (${method})."),

	/* TRANSLATORS: ceremony/breach-response.ceremony, title */
	N_("Respond to a breach of a key"),

	/* TRANSLATORS: ceremony/breach-response.ceremony, description */
	N_("Guides the response to a suspected breach: what happened decides "
	    "the response (re-key, root-cause analysis, HSM update, new "
	    "algorithm). Every decision and deviation is on the transcript."),

	/* TRANSLATORS: ceremony/breach-response.ceremony, role admin, title;
	   ceremony/byok-azure.ceremony, role admin, title;
	   ceremony/create-world.ceremony, role admin, title;
	   ceremony/generate-key.ceremony, role admin, title;
	   ceremony/key-backup.ceremony, role admin, title;
	   ceremony/key-recover.ceremony, role admin, title;
	   ceremony/migrate-key.ceremony, role admin, title;
	   ceremony/package-key.ceremony, role admin, title;
	   ceremony/reduce-acl.ceremony, role admin, title;
	   ceremony/rekey.ceremony, role admin, title;
	   ceremony/replace-cards.ceremony, role admin, title;
	   ceremony/transfer-world.ceremony, role admin, title */
	N_("Ceremony administrator"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   parameter ident, prompt */
	N_("The key concerned"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   parameter incident, prompt;
	   answers typed as they are:
	   key-leaked, unauthorised-use, hsm-vulnerability, algorithm-weakness */
	N_("What happened"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   parameter incident, help;
	   answers typed as they are:
	   key-leaked, unauthorised-use, hsm-vulnerability, algorithm-weakness */
	N_("key-leaked: the key itself leaked. unauthorised-use: someone got "
	    "to use the key, but it did not leak. hsm-vulnerability: a flaw "
	    "in the HSM technology. algorithm-weakness: the algorithm or key "
	    "length is no longer safe."),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step scope (checklist), item 1 */
	N_("The incident is described in writing, with who found it and when"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step scope (checklist), item 2 */
	N_("The cloud provider's security team has been told"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step scope (checklist), item 3 */
	N_("The scope (which keys, which worlds, which cards) is known"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step drill-key (action), title */
	N_("Drill: the key concerned"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step current (action), title */
	N_("Inspect the key concerned"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step rekey-why (instruction), text */
	N_("The key leaked: re-key it. New content will be protected by the "
	    "new key; the old version stays, for decrypting only."),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step rekey (action), title */
	N_("Re-key"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step rekey-next (instruction), text;
	   keep every ${...} as it is */
	N_("Transfer the new version of ${ident} to the cloud service (a "
	    "BYOK ceremony) and clear old client state as the service "
	    "advises."),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step root-cause (checklist), text */
	N_("Re-keying does not help when the key did not leak: find and fix "
	    "the cause."),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step root-cause (checklist), item 1 */
	N_("The process or software that allowed the use is identified"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step root-cause (checklist), item 2 */
	N_("Its fix is deployed and verified"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step root-cause (checklist), item 3 */
	N_("Access logs were reviewed for other misuse"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step hsm (checklist), item 1 */
	N_("The HSM vendor's advisory and update are at hand"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step hsm (checklist), item 2 */
	N_("The update is applied (by the provider for cloud HSMs)"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step hsm (checklist), item 3 */
	N_("If keys may have been exposed, a re-key is scheduled"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step algorithm (checklist), item 1 */
	N_("A resilient algorithm and key length are chosen"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step algorithm (checklist), item 2 */
	N_("The cloud service supports them"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step algorithm (checklist), item 3 */
	N_("A new key will be generated and transferred (a BYOK ceremony)"),

	/* TRANSLATORS: ceremony/breach-response.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw the response to incident ${incident} for key ${ident} "
	    "decided and carried out as recorded."),

	/* TRANSLATORS: ceremony/byok-azure.ceremony, title */
	N_("Azure Key Vault BYOK: generate and package a key"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony, description */
	N_("The whole over-the-internet BYOK flow for Azure Key Vault on the "
	    "disconnected workstation: check the files brought in, prove the "
	    "Key Exchange Key (KEK) against its pinned root, generate the "
	    "key, reduce its ACL so that it can only leave wrapped under "
	    "that KEK, and write the transfer package to upload."),

	/* TRANSLATORS: ceremony/byok-azure.ceremony, parameter ident, prompt;
	   ceremony/generate-key.ceremony,
	   parameter ident, prompt */
	N_("Key ident"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony, parameter size, prompt;
	   answers typed as they are:
	   2048, 3072, 4096 */
	N_("RSA key size"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony, parameter kek, prompt */
	N_("The KEK file downloaded from Azure (PEM, DER or JWK)"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   parameter kek_sha256, prompt */
	N_("The KEK file's SHA-256, as noted on the connected workstation"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony, parameter chain, prompt */
	N_("The KEK's certificate chain (PEM)"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony, parameter root, prompt */
	N_("The pinned root fingerprint (SHA-256, or SHA-1 for legacy roots)"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   parameter kek_id, prompt */
	N_("The KEK's key identifier (kid) in the vault"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step room (checklist), item 2 */
	N_("The KEK and its chain were brought in on removable media"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step toolset (action), title */
	N_("Check the KEK file against its noted hash"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step verify-kek (action), title */
	N_("Verify the KEK up to the pinned root"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step kek-ok (witness), text;
	   keep every ${...} as it is */
	N_("The KEK ${verify-kek.kek_fingerprint} verified: Result: "
	    "${verify-kek.result}."),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step generate (action), title;
	   ceremony/generate-key.ceremony,
	   step generate (action), title */
	N_("Generate the key"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step reduce (action), title */
	N_("Reduce the key's ACL to export under the KEK (quorum)"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step reduce (action), text;
	   ceremony/reduce-acl.ceremony,
	   step reduce (action), text */
	N_("Card custodians: insert your cards and type your PINs."),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step inspect (action), title */
	N_("Inspect the reduced copy"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step package (action), title */
	N_("Write the transfer package"),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step record (instruction), text;
	   keep every ${...} as it is */
	N_("Copy ${package.package} to removable media for upload. Note its "
	    "SHA-256 ${package.sha256}."),

	/* TRANSLATORS: ceremony/byok-azure.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw key ${ident} packaged for Azure under KEK "
	    "${package.kek_fingerprint}; package SHA-256 ${package.sha256}."),

	/* TRANSLATORS: ceremony/change-pin.ceremony, title */
	N_("Change a card's PIN"),

	/* TRANSLATORS: ceremony/change-pin.ceremony, description */
	N_("The card's custodian opens the card with the present PIN and "
	    "chooses a new one, typed twice. The share on the card does not "
	    "change."),

	/* TRANSLATORS: ceremony/change-pin.ceremony,
	   step private (instruction), text */
	N_("Only the custodian sees the keyboard while PINs are typed."),

	/* TRANSLATORS: ceremony/change-pin.ceremony,
	   step change (action), text */
	N_("Insert the card; type its present PIN, then the new PIN twice."),

	/* TRANSLATORS: ceremony/change-pin.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw the PIN of card ${change.card_index} (${change.card_id}) "
	    "changed by its custodian."),

	/* TRANSLATORS: ceremony/create-world.ceremony, title */
	N_("Create a security world"),

	/* TRANSLATORS: ceremony/create-world.ceremony, description */
	N_("Creates the security world in KMDATA and its set of N "
	    "administrator cards, any K of which authorise what changes "
	    "authority. Each card goes to a different custodian."),

	/* TRANSLATORS: ceremony/create-world.ceremony, parameter k, prompt */
	N_("Cards needed to authorise (K)"),

	/* TRANSLATORS: ceremony/create-world.ceremony, parameter k, help */
	N_("How many administrator cards must be presented together."),

	/* TRANSLATORS: ceremony/create-world.ceremony, parameter n, prompt */
	N_("Cards in the set (N)"),

	/* TRANSLATORS: ceremony/create-world.ceremony, parameter n, help */
	N_("How many administrator cards to write; each goes to a different "
	    "custodian."),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step admin-present (authenticate), title */
	N_("The ceremony administrator authenticates"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step witness-present (authenticate), title */
	N_("The witness authenticates"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step room (checklist), title */
	N_("Prepare the room"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step room (checklist), item 2;
	   keep every ${...} as it is */
	N_("${n} blank cards are at hand, one per custodian"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step room (checklist), item 3 */
	N_("Every custodian has chosen a PIN of at least 4 characters in "
	    "private"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step create (action), title */
	N_("Create the world and write the cards"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step create (action), text */
	N_("Insert each blank card when asked; its custodian types a new PIN "
	    "twice."),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step check (action), title */
	N_("Prove the quorum"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step check (action), text;
	   keep every ${...} as it is */
	N_("Any ${k} custodians insert their cards and type their PINs."),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step handover (instruction), title */
	N_("Hand over the cards"),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step handover (instruction), text;
	   keep every ${...} as it is */
	N_("Give each card to its custodian, who keeps it apart from the "
	    "others. Write down the world identity ${create.world_id}."),

	/* TRANSLATORS: ceremony/create-world.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw world ${create.world_id} created with a quorum of ${k} of "
	    "${n} cards."),

	/* TRANSLATORS: ceremony/create-world.ceremony, step end (seal), text */
	N_("The world is ready."),

	/* TRANSLATORS: ceremony/generate-key.ceremony, title */
	N_("Generate a key"),

	/* TRANSLATORS: ceremony/generate-key.ceremony, description */
	N_("Generates a key inside the module of the security world in "
	    "KMDATA. The key never leaves the module in plaintext; its ACL "
	    "allows use, recovery with a quorum of cards and ACL changes "
	    "with a quorum."),

	/* TRANSLATORS: ceremony/generate-key.ceremony, parameter ident, help */
	N_("The key's name in the world: 1-64 of a-z, 0-9 and -."),

	/* TRANSLATORS: ceremony/generate-key.ceremony,
	   parameter type, prompt;
	   answers typed as they are:
	   rsa, ec, aes */
	N_("Key type"),

	/* TRANSLATORS: ceremony/generate-key.ceremony,
	   parameter size, prompt;
	   answers typed as they are:
	   2048, 3072, 4096, 256 */
	N_("Size in bits (RSA 2048-4096, AES 256; EC uses its curve)"),

	/* TRANSLATORS: ceremony/generate-key.ceremony,
	   step world (action), title */
	N_("Check the security world"),

	/* TRANSLATORS: ceremony/generate-key.ceremony,
	   step confirm-world (instruction), text;
	   keep every ${...} as it is */
	N_("The key will be made in world ${world.world_id} (quorum "
	    "${world.k} of ${world.n})."),

	/* TRANSLATORS: ceremony/generate-key.ceremony,
	   step generate-ec (action), title */
	N_("Generate the EC key (P-384)"),

	/* TRANSLATORS: ceremony/generate-key.ceremony,
	   step inspect (action), title */
	N_("Inspect the key"),

	/* TRANSLATORS: ceremony/generate-key.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw key ${ident} generated with ACL: ${inspect.acl}."),

	/* TRANSLATORS: ceremony/key-backup.ceremony, title */
	N_("Back up a key"),

	/* TRANSLATORS: ceremony/key-backup.ceremony, description */
	N_("Copies the key file, still sealed, and the world file to a "
	    "backup directory (removable media). Only a world restored with "
	    "a quorum of cards can open it again."),

	/* TRANSLATORS: ceremony/key-backup.ceremony, parameter ident, prompt */
	N_("The key to back up"),

	/* TRANSLATORS: ceremony/key-backup.ceremony, parameter dir, prompt */
	N_("Backup directory (new or empty)"),

	/* TRANSLATORS: ceremony/key-backup.ceremony,
	   step drill-key (action), title */
	N_("Drill: the key to back up"),

	/* TRANSLATORS: ceremony/key-backup.ceremony,
	   step store (checklist), item 1 */
	N_("The backup media is labelled with the key, the world and the date"),

	/* TRANSLATORS: ceremony/key-backup.ceremony,
	   step store (checklist), item 2 */
	N_("The media is stored apart from the cards"),

	/* TRANSLATORS: ceremony/key-backup.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw ${backup.key_file} backed up to ${dir}."),

	/* TRANSLATORS: ceremony/key-recover.ceremony, title */
	N_("Recover a key from a backup"),

	/* TRANSLATORS: ceremony/key-recover.ceremony, description */
	N_("Brings a key file back from a backup directory into KMDATA. The "
	    "key's ACL must allow recovery, and only a module of the key's "
	    "own world (restored with a quorum of cards) can open it."),

	/* TRANSLATORS: ceremony/key-recover.ceremony,
	   parameter ident, prompt */
	N_("The key to recover"),

	/* TRANSLATORS: ceremony/key-recover.ceremony, parameter dir, prompt */
	N_("Backup directory"),

	/* TRANSLATORS: ceremony/key-recover.ceremony,
	   step drill-generate (action), title */
	N_("Drill: a key to lose"),

	/* TRANSLATORS: ceremony/key-recover.ceremony,
	   step drill-backup (action), title */
	N_("Drill: its backup"),

	/* TRANSLATORS: ceremony/key-recover.ceremony,
	   step drill-lose (action), title */
	N_("Drill: the key file is lost"),

	/* TRANSLATORS: ceremony/key-recover.ceremony,
	   step quorum (quorum), text */
	N_("A quorum of custodians proves the world's authority."),

	/* TRANSLATORS: ceremony/key-recover.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw ${recover.key_file} recovered, ACL: ${inspect.acl}."),

	/* TRANSLATORS: ceremony/migrate-key.ceremony, title */
	N_("Migrate a software key into the security world"),

	/* TRANSLATORS: ceremony/migrate-key.ceremony, description */
	N_("Imports an existing RSA or EC private key (PKCS#8, PKCS#12 or "
	    "PEM, usually password-protected) so that the module protects it "
	    "from now on. The source file is left as it is: destroy it "
	    "afterwards by your own procedure."),

	/* TRANSLATORS: ceremony/migrate-key.ceremony,
	   parameter ident, prompt */
	N_("Ident for the imported key"),

	/* TRANSLATORS: ceremony/migrate-key.ceremony, parameter from, prompt */
	N_("The exported key file (PKCS#8, PKCS#12 or PEM)"),

	/* TRANSLATORS: ceremony/migrate-key.ceremony,
	   step source (checklist), item 1 */
	N_("The key file was exported with a protection password"),

	/* TRANSLATORS: ceremony/migrate-key.ceremony,
	   step source (checklist), item 2 */
	N_("The person who knows the password is present"),

	/* TRANSLATORS: ceremony/migrate-key.ceremony,
	   step import (action), text */
	N_("The password holder types the key file's password when asked."),

	/* TRANSLATORS: ceremony/migrate-key.ceremony,
	   step destroy (instruction), text;
	   keep every ${...} as it is */
	N_("The key is now under the module as ${import.key_file}. Destroy "
	    "the source file ${from} and its copies by your procedure."),

	/* TRANSLATORS: ceremony/migrate-key.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw the key from ${from} imported as ${import.key_file}."),

	/* TRANSLATORS: ceremony/package-key.ceremony, title */
	N_("Package a key for Azure, AWS or Google"),

	/* TRANSLATORS: ceremony/package-key.ceremony, description */
	N_("Wraps the reduced copy key_xferacld_IDENT under the cloud's KEK "
	    "into the file the cloud imports: Azure .byok, AWS KMS "
	    "EncryptedKeyMaterial or Google Cloud KMS wrapped_key."),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   parameter ident, prompt;
	   ceremony/reduce-acl.ceremony, parameter ident, prompt */
	N_("The key"),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   parameter format, prompt;
	   answers typed as they are:
	   azure-byok, aws-kms, gcp-kms */
	N_("Package format"),

	/* TRANSLATORS: ceremony/package-key.ceremony, parameter kek, prompt */
	N_("The cloud's KEK"),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   parameter kek_id, prompt */
	N_("Azure only: the KEK's key identifier (kid)"),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   step drill-key (action), title;
	   ceremony/reduce-acl.ceremony,
	   step drill-key (action), title */
	N_("Drill: the key"),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   step drill-reduce-azure (action), title */
	N_("Drill: reduce the ACL for Azure (quorum)"),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   step drill-reduce-aws (action), title */
	N_("Drill: reduce the ACL for AWS (quorum)"),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   step drill-reduce-gcp (action), title */
	N_("Drill: reduce the ACL for Google (quorum)"),

	/* TRANSLATORS: ceremony/package-key.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw ${ident} packaged as ${format} for upload."),

	/* TRANSLATORS: ceremony/reduce-acl.ceremony, title */
	N_("Reduce a key's ACL for a KEK"),

	/* TRANSLATORS: ceremony/reduce-acl.ceremony, description */
	N_("With a quorum of administrator cards, writes key_xferacld_IDENT: "
	    "a copy of the key whose only permission is to be exported "
	    "wrapped under the given Key Exchange Key, for the given cloud."),

	/* TRANSLATORS: ceremony/reduce-acl.ceremony, parameter kek, prompt */
	N_("The cloud's KEK (PEM, DER or JWK)"),

	/* TRANSLATORS: ceremony/reduce-acl.ceremony,
	   parameter target, prompt;
	   answers typed as they are:
	   azure, aws, gcp */
	N_("The cloud the copy is for"),

	/* TRANSLATORS: ceremony/reduce-acl.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw ${reduce.key_file} written with ACL: ${after.acl}."),

	/* TRANSLATORS: ceremony/rekey.ceremony, title */
	N_("Re-key a key"),

	/* TRANSLATORS: ceremony/rekey.ceremony, description */
	N_("Makes a new version of a key under the same name. The old "
	    "version becomes key_APP_IDENT-vN and may only decrypt, so that "
	    "old content stays readable."),

	/* TRANSLATORS: ceremony/rekey.ceremony, parameter ident, prompt */
	N_("The key to re-key"),

	/* TRANSLATORS: ceremony/rekey.ceremony,
	   step drill-key (action), title */
	N_("Drill: the key to re-key"),

	/* TRANSLATORS: ceremony/rekey.ceremony, step why (checklist), item 1 */
	N_("There is a reason to re-key (a leak, a split of the company, a "
	    "policy)"),

	/* TRANSLATORS: ceremony/rekey.ceremony, step why (checklist), item 2 */
	N_("Clients that cannot handle a key change have been planned for"),

	/* TRANSLATORS: ceremony/rekey.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw key ${ident} re-keyed; the new version's ACL: ${after.acl}."),

	/* TRANSLATORS: ceremony/replace-cards.ceremony, title */
	N_("Replace the administrator cards (a card was lost)"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony, description */
	N_("A quorum of the present cards authorises a new card set, whose K "
	    "and N may differ. The world gets a new secret: once the new set "
	    "is written, the old cards, the lost one included, open nothing."),

	/* TRANSLATORS: ceremony/replace-cards.ceremony, parameter k, prompt */
	N_("Cards needed to authorise in the new set (K)"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony, parameter n, prompt */
	N_("Cards in the new set (N)"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   parameter reason, prompt */
	N_("Why the cards are replaced (for the record)"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   step why (instruction), text;
	   keep every ${...} as it is */
	N_("The card set is replaced because: ${reason}. Report a lost card "
	    "as a security incident."),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   step prepare (checklist), item 1 */
	N_("A quorum of the present cards and their custodians are here"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   step prepare (checklist), item 2;
	   keep every ${...} as it is */
	N_("${n} blank cards are at hand for the new set"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   step replace (action), text */
	N_("First a quorum of the present cards; then each new card, its "
	    "custodian choosing a PIN."),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   step old-cards (checklist), item 1 */
	N_("The old cards at hand are destroyed"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   step old-cards (checklist), item 2 */
	N_("Each new card is handed to a different custodian"),

	/* TRANSLATORS: ceremony/replace-cards.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw card set ${replace.old_card_set} replaced by "
	    "${replace.card_set} (quorum ${replace.k} of ${replace.n})."),

	/* TRANSLATORS: ceremony/transfer-world.ceremony, title */
	N_("Transfer a key to another security world in person"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony, description */
	N_("Moves a key from this world into a destination world (for "
	    "instance the cloud provider's) with a quorum of both worlds' "
	    "cards. The copy loses recover, change-acl and export-plain: it "
	    "is locked to the destination world."),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   role custodian, title */
	N_("Card custodian of this world"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   role operator, title */
	N_("Card custodian of the destination world"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   parameter ident, prompt */
	N_("The key to transfer"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   parameter to_world, prompt */
	N_("The destination world's KMDATA"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   parameter to_drawer, prompt */
	N_("Where the destination world's cards go in"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   step drill-key (action), title */
	N_("Drill: the key to transfer"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   step drill-world (action), title */
	N_("Drill: the destination world (cards' PINs 4444, 5555, 6666)"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   step transfer (action), text */
	N_("First this world's custodians, then the destination world's, "
	    "insert their cards."),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   step closing (checklist), item 1 */
	N_("The copy in the destination world shows no recover and no "
	    "change-acl"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   step closing (checklist), item 2 */
	N_("The key file was copied to removable media for the destination"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   step closing (checklist), item 3 */
	N_("The workstation will be wiped after the ceremony"),

	/* TRANSLATORS: ceremony/transfer-world.ceremony,
	   step witnessed (witness), text;
	   keep every ${...} as it is */
	N_("I saw ${ident} transferred to world ${transfer.to_world}, locked "
	    "there (ACL: ${transfer.acl})."),
};
