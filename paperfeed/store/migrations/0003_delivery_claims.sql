-- v3: a delivery is first 'claimed' by one process (owner = host:pid), then 'sent'.
-- A claim whose owner died before sending can be taken over by a later run, so a crash
-- between claim and send loses no digest; rows from v2 were all sent.
ALTER TABLE deliveries ADD COLUMN state TEXT NOT NULL DEFAULT 'sent';
ALTER TABLE deliveries ADD COLUMN owner TEXT NOT NULL DEFAULT '';
