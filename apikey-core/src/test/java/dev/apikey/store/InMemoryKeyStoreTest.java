package dev.apikey.store;

import dev.apikey.spi.KeyStore;
import dev.apikey.spi.KeyStoreContract;

class InMemoryKeyStoreTest extends KeyStoreContract {
    @Override
    protected KeyStore newStore() {
        return new InMemoryKeyStore();
    }
}
