-- VAT (issue 12): the account's VAT regime and each offer's tax behaviour.
--
-- vat_regime: 'registered' (charges VAT) or 'franchise' (franchise en base, CGI art. 293 B: no VAT,
-- the invoice says "TVA non applicable, art. 293 B du CGI"). Most businesses are registered, so it
-- is the default; VAT is applied only once the account also has a country (the rules need the
-- seller's establishment), so existing accounts, which have none, keep billing exactly as before.
ALTER TABLE accounts ADD COLUMN vat_regime TEXT NOT NULL DEFAULT 'registered' CHECK (vat_regime IN ('registered', 'franchise'));

-- tax_behavior: whether the offer's amounts include VAT ('inclusive', TTC) or VAT is added on top
-- ('exclusive', HT). Inclusive by default: French consumer prices must be shown tax included, and
-- with it the amount charged is the price the grid shows, whatever the customer's country.
ALTER TABLE offers ADD COLUMN tax_behavior TEXT NOT NULL DEFAULT 'inclusive' CHECK (tax_behavior IN ('inclusive', 'exclusive'));
